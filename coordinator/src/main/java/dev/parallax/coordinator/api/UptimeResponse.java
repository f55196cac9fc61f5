package dev.parallax.coordinator.api;

import dev.parallax.common.contract.PortState;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/schedules/{id}/uptime}: per region, how many runs it answered, and per port the share of
 * answered probes in the expected state, with connect-time percentiles.
 */
@Schema(description = "A schedule's availability and connect times per region and port over a window, read from "
        + "hourly aggregates.")
public record UptimeResponse(
        @Schema(description = "The schedule's id.") UUID scheduleId,
        @Schema(description = "The window asked for.", type = SchemaType.STRING, enumeration = {"24h", "7d", "30d"})
        String window,
        @Schema(description = "Where the window began: the top of the UTC hour `to - window` falls in.")
        Instant from,
        @Schema(description = "Now, when the answer was computed.") Instant to,
        @Schema(description = "The port state that counts as up.") PortState expect,
        @Schema(description = "Per region, by name.") List<Region> regions) {

    /** {@code runs} counts the runs that asked this region; {@code answered} those it answered (DONE). */
    @Schema(name = "UptimeRegion", description = "One region over the window.")
    public record Region(
            @Schema(description = ApiDocumentation.REGION_NAME, examples = "eu-west") String region,
            @Schema(description = "The runs that asked this region.", examples = "1440") long runs,
            @Schema(description = "Those it answered (`DONE`).", examples = "1438") long answered,
            @Schema(description = "Per port.") List<Port> ports) {
    }

    /**
     * {@code samples}: probes with an answer about the target (ERROR left out); {@code up}: those in the expected
     * state; {@code availability}: up / samples (null without samples); latency of probes answered OPEN or
     * CLOSED, in microseconds.
     */
    @Schema(name = "UptimePort", description = "One port as seen from one region over the window.")
    public record Port(
            @Schema(description = "The port.", examples = "443") int port,
            @Schema(description = "Probes with an answer about the target (an `ERROR` says nothing about it and is "
                    + "left out), on every address.", examples = "1438") long samples,
            @Schema(description = "Those in the expected state.", examples = "1431") long up,
            @Schema(description = "up / samples, from 0 to 1; null without samples.", minimum = "0", maximum = "1",
                    examples = "0.9951321279554937") Double availability,
            @Schema(description = "Connect-time percentiles of the probes answered OPEN or CLOSED.")
            Latency latencyMicros) {
    }

    /** Estimates, so rounded to whole microseconds; null without probes answered OPEN or CLOSED. */
    @Schema(name = "LatencyPercentiles", description = "Connect-time percentiles in microseconds, interpolated in "
            + "log-scale histograms whose buckets are at most a quarter of their lower bound wide, never outside "
            + "the observed range; each null without probes answered OPEN or CLOSED.")
    public record Latency(
            @Schema(description = "The median.", examples = "224") Long p50,
            @Schema(description = "The 95th percentile.", examples = "4334") Long p95,
            @Schema(description = "The 99th percentile.", examples = "4382") Long p99) {

        static Latency of(Double p50, Double p95, Double p99) {
            return new Latency(round(p50), round(p95), round(p99));
        }

        private static Long round(Double micros) {
            return micros == null ? null : Math.round(micros);
        }
    }
}
