package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;

import java.util.UUID;

/**
 * What one region found for one (resolved address, port) of a check: a row of {@code port_results}, written once by
 * {@link VerdictStore}, never updated, read back through {@link PortResults}.
 *
 * @param reason nmap-style reason, e.g. {@code syn-ack}
 */
public record PortResult(UUID checkId, String region, String address, int port, PortState state, String reason,
                         long rttMicros, String message) {
}
