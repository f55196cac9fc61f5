package dev.parallax.agent.probe;

import dev.parallax.common.contract.Reason;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.Locale;

/**
 * Maps what a failed connect threw to nmap's reasons. The JDK only hands us the errno text, so the match
 * is on Linux's strerror() wording; anything not recognised is a local error, never FILTERED, because
 * calling a port filtered on a failure of our own would be a lie about the target.
 */
final class ConnectErrors {

    /** A classified outcome: the reason, and for LOCAL_ERROR what happened. */
    record Outcome(Reason reason, String message) {
    }

    /** When the error surfaced: at connect() itself, or later, once a SYN was on its way. */
    enum Phase {
        CONNECT,
        AFTER_SYN
    }

    private ConnectErrors() {
    }

    static Outcome classify(Throwable error, Phase phase) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("connection refused")) {
            return new Outcome(Reason.CONN_REFUSED, null);
        }
        if (text.contains("connection reset")) {
            // A reset before the handshake completes is ECONNREFUSED; ECONNRESET means the SYN-ACK came back
            // and the peer reset the connection afterwards. nmap calls that port open, and so do we.
            return new Outcome(Reason.SYN_ACK, null);
        }
        if (text.contains("network is unreachable")) {
            return new Outcome(Reason.NET_UNREACH, null);
        }
        if (text.contains("no route to host") || text.contains("host is down")
                || (error instanceof NoRouteToHostException && !text.contains("cannot assign"))) {
            return new Outcome(Reason.HOST_UNREACH, null);
        }
        if (phase == Phase.AFTER_SYN && text.contains("permission denied")) {
            // Linux turns ICMPv6 administratively-prohibited (and policy failures) into EACCES on the socket:
            // the one ICMP reason a connect-based prober can tell apart. At connect() itself EACCES is local.
            return new Outcome(Reason.ADMIN_PROHIBITED, null);
        }
        if (error instanceof ConnectException && text.contains("timed out")) {
            // The kernel gave up retransmitting SYNs before our deadline: nothing came back.
            return new Outcome(Reason.NO_RESPONSE, null);
        }
        return new Outcome(Reason.LOCAL_ERROR, message);
    }
}
