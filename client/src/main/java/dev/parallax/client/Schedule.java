package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A schedule as the API shows it: the check it runs, when, what counts as up, and how it alerts.
 *
 * @param regions   the regions named; empty when it runs from every region with a live agent ({@code "all"})
 * @param limit     how many of those regions each run picks at random; null for all of them
 * @param every     the interval in ISO-8601 ({@code PT1M}); null for a cron schedule
 * @param cron      the Quartz cron expression (UTC); null for an interval schedule
 * @param nextRunAt when it is due next; null while paused
 */
public record Schedule(UUID id, boolean paused, String target, String ports, List<String> regions, Integer limit,
                       int timeoutMs, String ipFamily, String every, String cron, String expect, Alert alert,
                       long costPerHour, Instant overBudgetSince, Instant nextRunAt, Instant lastRunAt,
                       Instant createdAt, Instant updatedAt, String self) {

    /**
     * How the schedule alerts.
     *
     * @param secret the key of the webhook bodies' signature: only in the answer that created the schedule
     */
    public record Alert(String webhook, int quorum, int consecutive, String secret) {

        static Alert from(JsonNode json) {
            return json.isObject() ? new Alert(Json.text(json, "webhook"), Json.integer(json, "quorum"),
                    Json.integer(json, "consecutive"), Json.text(json, "secret")) : null;
        }
    }

    static Schedule from(JsonNode json) {
        return new Schedule(Json.uuid(json, "id"), Json.bool(json, "paused"), Json.text(json, "target"),
                Json.text(json, "ports"), Json.strings(json, "regions"), Json.optionalInteger(json, "limit"),
                Json.integer(json, "timeoutMs"), Json.text(json, "ipFamily"), Json.text(json, "every"),
                Json.text(json, "cron"), Json.text(json, "expect"), Alert.from(json.path("alert")),
                Json.number(json, "costPerHour"), Json.instant(json, "overBudgetSince"),
                Json.instant(json, "nextRunAt"), Json.instant(json, "lastRunAt"), Json.instant(json, "createdAt"),
                Json.instant(json, "updatedAt"), Json.text(json, "self"));
    }
}
