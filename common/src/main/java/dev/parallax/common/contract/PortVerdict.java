package dev.parallax.common.contract;

import java.util.Objects;

/**
 * What one probe of one (address, port) found.
 *
 * @param address    the resolved address probed, in its canonical text form
 * @param port       the TCP port
 * @param state      OPEN, CLOSED, FILTERED or ERROR
 * @param reason     why, in nmap's vocabulary; always agrees with {@code state}
 * @param rttMicros  time from connect() to the answer (for FILTERED/no-response: the time waited)
 * @param message    detail for ERROR (the local failure), otherwise null
 */
public record PortVerdict(String address, int port, PortState state, Reason reason, long rttMicros, String message) {

    public PortVerdict {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535; got " + port);
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        if (reason.state() != state) {
            throw new IllegalArgumentException("reason " + reason.wireName() + " cannot go with state " + state);
        }
        if (rttMicros < 0) {
            throw new IllegalArgumentException("rttMicros must not be negative; got " + rttMicros);
        }
    }

    public static PortVerdict of(String address, int port, Reason reason, long rttMicros) {
        return new PortVerdict(address, port, reason.state(), reason, rttMicros, null);
    }

    public static PortVerdict error(String address, int port, long rttMicros, String message) {
        return new PortVerdict(address, port, PortState.ERROR, Reason.LOCAL_ERROR, rttMicros, message);
    }
}
