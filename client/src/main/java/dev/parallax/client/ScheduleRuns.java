package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A schedule's runs due in [{@code from}, {@code to}), newest first ({@code GET /api/v1/schedules/{id}/history}).
 *
 * @param more whether older runs in the range were left out by the limit
 */
public record ScheduleRuns(UUID scheduleId, Instant from, Instant to, List<Run> runs, boolean more) {

    /**
     * One run: its check, or why there is none.
     *
     * @param checkId the check it submitted; null when it could not submit one
     * @param status  the check's status; null without a check
     * @param outcome why no check was submitted (e.g. no region had a live agent); null when one was
     */
    public record Run(Instant dueAt, Instant firedAt, UUID checkId, String status, String outcome,
                      List<Region> regions, String check) {

        static Run from(JsonNode json) {
            return new Run(Json.instant(json, "dueAt"), Json.instant(json, "firedAt"), Json.uuid(json, "checkId"),
                    Json.text(json, "status"), Json.text(json, "outcome"), Json.list(json.path("regions"),
                    Region::from), Json.text(json, "check"));
        }
    }

    /** One region's answer to a run; {@code message} says why it ended other than {@code DONE}. */
    public record Region(String region, String status, String message, List<Port> ports) {

        static Region from(JsonNode json) {
            return new Region(Json.text(json, "region"), Json.text(json, "status"), Json.text(json, "message"),
                    Json.list(json.path("ports"), Port::from));
        }
    }

    /** One (address, port) as one region saw it in a run. */
    public record Port(int port, String address, String state, String reason, long rttMicros) {

        static Port from(JsonNode json) {
            return new Port(Json.integer(json, "port"), Json.text(json, "address"), Json.text(json, "state"),
                    Json.text(json, "reason"), Json.number(json, "rttMicros"));
        }
    }

    static ScheduleRuns from(JsonNode json) {
        return new ScheduleRuns(Json.uuid(json, "scheduleId"), Json.instant(json, "from"), Json.instant(json, "to"),
                Json.list(json.path("runs"), Run::from), Json.bool(json, "more"));
    }
}
