package dev.parallax.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A check to run again and again ({@code POST /api/v1/schedules}): a check's fields, when to run it ({@code every}
 * or {@code cron}), what counts as up, and how it alerts. Null fields are left out, for the API's defaults.
 *
 * @param every  an interval, e.g. {@code 30s}, {@code 5m} or {@code PT1H}
 * @param cron   a Quartz cron expression in UTC
 * @param expect the state that counts as up: {@code OPEN} (the default), {@code CLOSED} or {@code FILTERED}
 * @param alert  where state changes go and when they count; null for none
 */
public record ScheduleRequest(String target, List<Object> ports, List<String> regions, String every, String cron,
                              Long timeoutMs, String expect, Alert alert) {

    /**
     * @param webhook     the receiver of state-change events; null to keep them stored only
     * @param quorum      regions down before an alert fires; null for the API's default
     * @param consecutive runs that confirm a change; null for the API's default
     */
    public record Alert(String webhook, Integer quorum, Integer consecutive) {

        Map<String, Object> toMap() {
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("webhook", webhook);
            if (quorum != null) {
                alert.put("quorum", quorum);
            }
            if (consecutive != null) {
                alert.put("consecutive", consecutive);
            }
            return alert;
        }
    }

    String toJson() {
        Map<String, Object> body = new CheckRequest(target, ports, regions, timeoutMs, null).fields();
        if (every != null) {
            body.put("every", every);
        }
        if (cron != null) {
            body.put("cron", cron);
        }
        if (expect != null) {
            body.put("expect", expect);
        }
        if (alert != null) {
            body.put("alert", alert.toMap());
        }
        return Json.write(body);
    }
}
