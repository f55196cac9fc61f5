package dev.parallax.coordinator.api;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.check.CheckStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/v1/schedules/{id}/history}: the runs due in [from, to), newest first. */
public record ScheduleRunsResponse(UUID scheduleId, Instant from, Instant to, List<Run> runs, boolean more) {

    /**
     * One run. {@code check} is null (and {@code outcome} says why) when it could not be submitted, for
     * example while no region had a live agent.
     */
    public record Run(Instant dueAt, Instant firedAt, UUID checkId, CheckStatus status, String outcome,
                      List<Region> regions, String check) {
    }

    public record Region(String region, RegionStatus status, String message, List<Port> ports) {
    }

    public record Port(int port, String address, PortState state, String reason, long rttMicros) {
    }
}
