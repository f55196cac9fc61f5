package dev.parallax.coordinator.api;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.check.CheckStatus;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/v1/schedules/{id}/history}: the runs due in [from, to), newest first. */
@Schema(description = "A schedule's runs due in [`from`, `to`), newest first.")
public record ScheduleRunsResponse(
        @Schema(description = "The schedule's id.") UUID scheduleId,
        @Schema(description = "The start of the range (included).") Instant from,
        @Schema(description = "The end of the range (excluded).") Instant to,
        @Schema(description = "The runs, newest first.") List<Run> runs,
        @Schema(description = "Whether older runs in the range were left out by `limit`.") boolean more) {

    /**
     * One run. {@code check} is null (and {@code outcome} says why) when it could not be submitted, for
     * example while no region had a live agent.
     */
    @Schema(name = "ScheduleRun", description = "One run of the schedule: its check, or why there is none.")
    public record Run(
            @Schema(description = "The due time on the schedule's grid.") Instant dueAt,
            @Schema(description = "When a coordinator fired it.") Instant firedAt,
            @Schema(description = "The check it submitted; null when it could not submit one.") UUID checkId,
            @Schema(description = ApiDocumentation.CHECK_STATUS + " Null without a check.") CheckStatus status,
            @Schema(description = "Why no check was submitted (e.g. no region had a live agent); null when one was.")
            String outcome,
            @Schema(description = "Each region's answer to the run's check.") List<Region> regions,
            @Schema(description = "The URL of the run's check; null without one.") String check) {
    }

    @Schema(name = "RunRegion", description = "One region's answer to a run.")
    public record Region(
            @Schema(description = ApiDocumentation.REGION_NAME, examples = "eu-west") String region,
            @Schema(description = ApiDocumentation.REGION_STATUS) RegionStatus status,
            @Schema(description = "Why the region ended other than `DONE`; null otherwise.") String message,
            @Schema(description = "One verdict per (resolved address, port).") List<Port> ports) {
    }

    @Schema(name = "RunPort", description = "One (address, port) as one region saw it in a run.")
    public record Port(
            @Schema(description = "The port probed.", examples = "443") int port,
            @Schema(description = "The address probed.", examples = "203.0.113.10") String address,
            @Schema(description = ApiDocumentation.PORT_STATE) PortState state,
            @Schema(description = ApiDocumentation.REASON, type = SchemaType.STRING,
                    enumeration = {"syn-ack", "conn-refused", "self-connect", "no-response", "host-unreach",
                            "net-unreach", "admin-prohibited", "local-error"}) String reason,
            @Schema(description = ApiDocumentation.RTT_MICROS, examples = "8430") long rttMicros) {
    }
}
