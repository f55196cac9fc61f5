package dev.parallax.coordinator.api;

import dev.parallax.common.contract.PortState;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/schedules/{id}/uptime}: per region, how many runs it answered, and per port the share of
 * answered probes in the expected state, with connect-time percentiles.
 */
public record UptimeResponse(UUID scheduleId, String window, Instant from, Instant to, PortState expect,
                             List<Region> regions) {

    /** {@code runs} counts the runs that asked this region; {@code answered} those it answered (DONE). */
    public record Region(String region, long runs, long answered, List<Port> ports) {
    }

    /**
     * {@code samples}: probes with an answer about the target (ERROR left out); {@code up}: those in the expected
     * state; {@code availability}: up / samples (null without samples); latency of probes answered OPEN or
     * CLOSED, in microseconds.
     */
    public record Port(int port, long samples, long up, Double availability, Latency latencyMicros) {
    }

    /** Estimates, so rounded to whole microseconds; null without probes answered OPEN or CLOSED. */
    public record Latency(Long p50, Long p95, Long p99) {

        static Latency of(Double p50, Double p95, Double p99) {
            return new Latency(round(p50), round(p95), round(p99));
        }

        private static Long round(Double micros) {
            return micros == null ? null : Math.round(micros);
        }
    }
}
