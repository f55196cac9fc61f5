package dev.parallax.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why a probe reached its {@link PortState}; wire names follow nmap's reason vocabulary. */
public enum Reason {
    /** The three-way handshake completed. */
    SYN_ACK("syn-ack", PortState.OPEN),
    /** The target answered the SYN with a reset (ECONNREFUSED). */
    CONN_REFUSED("conn-refused", PortState.CLOSED),
    /** The socket connected to itself (source port = target port on one address): nobody listens there. */
    SELF_CONNECT("self-connect", PortState.CLOSED),
    /** Nothing came back before the probe's deadline. */
    NO_RESPONSE("no-response", PortState.FILTERED),
    /** An ICMP host-unreachable came back (EHOSTUNREACH); Linux reports admin-prohibited this way too. */
    HOST_UNREACH("host-unreach", PortState.FILTERED),
    /** An ICMP network-unreachable came back, or no route exists (ENETUNREACH). */
    NET_UNREACH("net-unreach", PortState.FILTERED),
    /** An ICMP administratively-prohibited came back, where the engine can tell it apart. */
    ADMIN_PROHIBITED("admin-prohibited", PortState.FILTERED),
    /** The prober failed locally; the verdict's message says how. */
    LOCAL_ERROR("local-error", PortState.ERROR);

    private final String wireName;
    private final PortState state;

    Reason(String wireName, PortState state) {
        this.wireName = wireName;
        this.state = state;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The state this reason implies; a verdict whose state disagrees violates the contract. */
    public PortState state() {
        return state;
    }

    @JsonCreator
    public static Reason fromWireName(String wireName) {
        for (Reason reason : values()) {
            if (reason.wireName.equals(wireName)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown reason '" + wireName + "'");
    }
}
