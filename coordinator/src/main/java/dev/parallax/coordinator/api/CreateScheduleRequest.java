package dev.parallax.coordinator.api;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/schedules}: a check request ({@link SubmitCheckRequest}'s fields) plus when to run
 * it and what counts as up.
 *
 * @param every  an interval: {@code "30s"}, {@code "5m"}, {@code "1h30m"} or ISO-8601 {@code "PT30S"}
 * @param cron   instead of {@code every}: a Quartz cron expression in UTC, e.g. {@code "0 *&#47;5 * * * ?"}
 * @param expect the port state that counts as up: {@code open} (default), {@code closed} or {@code filtered}
 * @param alert  optional {@code {"webhook": "https://…", "quorum": 1, "consecutive": 2}}: where events go, how
 *               many regions must see a port down to alert, how many runs in a row confirm a change
 */
public record CreateScheduleRequest(String target, List<Object> ports, Object regions, Integer limit,
                                    Integer timeoutMs, String ipFamily, String every, String cron, String expect,
                                    Map<String, Object> alert) {
}
