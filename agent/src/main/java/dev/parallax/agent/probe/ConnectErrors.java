package dev.parallax.agent.probe;

import dev.parallax.common.contract.Reason;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.Locale;

/**
 * Maps what a failed connect() threw to nmap's reasons. The JDK only hands us the errno text, so the
 * match is on Linux's strerror() wording; anything not recognised is a local error, never FILTERED, because
 * calling a port filtered on a failure of our own would be a lie about the target.
 */
final class ConnectErrors {

    /** A classified outcome: the reason, and for LOCAL_ERROR what happened. */
    record Outcome(Reason reason, String message) {
    }

    private ConnectErrors() {
    }

    static Outcome classify(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("connection refused")) {
            return new Outcome(Reason.CONN_REFUSED, null);
        }
        if (text.contains("network is unreachable")) {
            return new Outcome(Reason.NET_UNREACH, null);
        }
        if (text.contains("no route to host") || text.contains("host is down")
                || (error instanceof NoRouteToHostException && !text.contains("cannot assign"))) {
            return new Outcome(Reason.HOST_UNREACH, null);
        }
        if (error instanceof ConnectException && text.contains("timed out")) {
            // The kernel gave up retransmitting SYNs before our deadline: nothing came back.
            return new Outcome(Reason.NO_RESPONSE, null);
        }
        return new Outcome(Reason.LOCAL_ERROR, message);
    }
}
