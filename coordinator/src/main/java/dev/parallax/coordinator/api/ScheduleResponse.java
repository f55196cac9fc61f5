package dev.parallax.coordinator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/** A schedule as the API shows it. */
@Schema(description = "A schedule: the check it runs, when, what counts as up, how it alerts, and where to read "
        + "its runs.")
public record ScheduleResponse(
        @Schema(description = "The schedule's id.") UUID id,
        @Schema(description = "Whether it is paused: no runs while it is.") boolean paused,
        @Schema(description = "The target, normalised.", examples = "shop.example.com") String target,
        @Schema(description = ApiDocumentation.CHECK_PORTS, examples = "80,443") String ports,
        @Schema(description = "The regions named, or `\"all\"`: every region with a live agent at each run.",
                oneOf = {String[].class, String.class}, examples = "all") Object regions,
        @Schema(description = "How many of those regions each run picks at random; null: all of them.")
        Integer limit,
        @Schema(description = "The connect deadline of each probe, in milliseconds.", examples = "1000")
        int timeoutMs,
        @Schema(description = "Which resolved addresses are probed.") IpFamily ipFamily,
        @Schema(description = "The interval in ISO-8601; null for a cron schedule.", examples = "PT1M") String every,
        @Schema(description = "The Quartz cron expression (UTC); null for an interval schedule.") String cron,
        @Schema(description = "The port state that counts as up.") PortState expect,
        @Schema(description = "How the schedule alerts.") Alert alert,
        @Schema(description = "What it may cost in an hour at its densest (ports x the most regions a run can probe x "
                + "runs an hour), committed from the hourly check budget of the key that created or last changed it "
                + "while it is active; each run takes its own cost (ports x regions) from that budget.",
                examples = "360") long costPerHour,
        @Schema(description = "Since when its runs have been skipped because that budget could not pay for them, or "
                + "that key was revoked (each such run is in the history with the reason); null while runs are paid "
                + "for.")
        Instant overBudgetSince,
        @Schema(description = "When it is due next; null while paused.") Instant nextRunAt,
        @Schema(description = "When it last fired; null before its first run.") Instant lastRunAt,
        @Schema(description = "When it was created.") Instant createdAt,
        @Schema(description = "When it was last changed.") Instant updatedAt,
        @Schema(description = ApiDocumentation.SELF) String self,
        @Schema(description = "Where its runs are (`GET …/history`).") String history,
        @Schema(description = "Where its availability is (`GET …/uptime`).") String uptime,
        @Schema(description = "Where its events are (`GET …/events`).") String events) {

    /**
     * How the schedule alerts. {@code secret} signs the webhook's bodies ({@code X-Parallax-Signature}); it is in
     * the answer to the POST that created the schedule, and never again.
     */
    @Schema(name = "ScheduleAlert", description = "How the schedule alerts: events go to `webhook` (if any) once "
            + "`consecutive` runs in a row confirm a change, and an alert fires once `quorum` regions hold a port "
            + "down.")
    public record Alert(
            @Schema(description = "The URL events are POSTed to as JSON; null: events are only stored. A host that "
                    + "is an IP literal must pass the target policy; a hostname is checked at each delivery.",
                    examples = "https://hooks.example.com/parallax") String webhook,
            @Schema(description = "How many regions must hold a port down for `alert-firing`.", minimum = "1",
                    defaultValue = "1", examples = "2") int quorum,
            @Schema(description = "How many runs in a row confirm a change (`port-down`, `port-up`, divergence).",
                    minimum = "1", defaultValue = "2", examples = "2") int consecutive,
            @Schema(description = "The key of the webhook bodies' HMAC-SHA256 signature (`X-Parallax-Signature: "
                    + "sha256=<hex>`), base64url: only in the answer that created the schedule.", readOnly = true)
            @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
    }
}
