package dev.parallax.coordinator.api;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code PATCH /api/v1/schedules/{id}}: the fields to change, as in {@link CreateScheduleRequest}
 * (absent ones stay as they are; {@code every} replaces a cron and {@code cron} an interval), and
 * {@code paused} to pause or resume.
 */
public record UpdateScheduleRequest(String target, List<Object> ports, Object regions, Integer limit,
                                    Integer timeoutMs, String ipFamily, String every, String cron, String expect,
                                    Map<String, Object> alert, Boolean paused) {
}
