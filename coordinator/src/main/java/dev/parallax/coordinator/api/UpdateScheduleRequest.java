package dev.parallax.coordinator.api;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code PATCH /api/v1/schedules/{id}}: the fields to change, as in {@link CreateScheduleRequest}
 * (absent ones stay as they are; {@code every} replaces a cron and {@code cron} an interval), and
 * {@code paused} to pause or resume.
 */
@Schema(description = "The fields to change, as in `CreateScheduleRequest`; absent ones stay as they are. Any "
        + "other field is refused.")
public record UpdateScheduleRequest(
        @Schema(description = ApiDocumentation.TARGET, examples = "shop.example.com")
        String target,
        @Schema(description = ApiDocumentation.PORTS, examples = "[443]")
        List<Object> ports,
        @Schema(description = ApiDocumentation.REGIONS + " Changing `regions` without `limit` drops the limit.",
                oneOf = {String[].class, String.class}, examples = "[\"eu-west\", \"us-east\"]")
        Object regions,
        @Schema(description = ApiDocumentation.LIMIT, minimum = "1", examples = "2")
        Integer limit,
        @Schema(description = ApiDocumentation.TIMEOUT_MS, minimum = "100", maximum = "10000", examples = "1000")
        Integer timeoutMs,
        @Schema(description = ApiDocumentation.IP_FAMILY, type = SchemaType.STRING,
                enumeration = {"any", "ipv4", "ipv6"})
        String ipFamily,
        @Schema(description = ApiDocumentation.EVERY + " Replaces a cron, and starts a new grid.", examples = "5m")
        String every,
        @Schema(description = ApiDocumentation.CRON + " Replaces an interval, and starts a new grid.",
                examples = "0 0 * * * ?")
        String cron,
        @Schema(description = ApiDocumentation.EXPECT, type = SchemaType.STRING,
                enumeration = {"open", "closed", "filtered"})
        String expect,
        @Schema(description = "The alert fields to replace, the others kept; `\"webhook\": null` removes the "
                + "webhook.", implementation = ScheduleResponse.Alert.class)
        Map<String, Object> alert,
        @Schema(description = "`true` pauses the schedule (no runs, no `nextRunAt`); `false` resumes it, continuing "
                + "its grid from now on without the runs it missed.")
        Boolean paused) {
}
