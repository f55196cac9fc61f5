package dev.parallax.coordinator.api;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/v1/schedules}: a check request ({@link SubmitCheckRequest}'s fields) plus when to run
 * it and what counts as up.
 */
@Schema(description = "A check to run again and again: a check's fields, plus when to run it (`every` or `cron`) "
        + "and what counts as up. Any other field is refused.")
public record CreateScheduleRequest(
        @Schema(required = true, description = ApiDocumentation.TARGET, examples = "shop.example.com")
        String target,
        @Schema(required = true, description = ApiDocumentation.PORTS, examples = "[80, 443]")
        List<Object> ports,
        @Schema(description = ApiDocumentation.REGIONS, oneOf = {String[].class, String.class}, examples = "all")
        Object regions,
        @Schema(description = ApiDocumentation.LIMIT, minimum = "1", examples = "2")
        Integer limit,
        @Schema(description = ApiDocumentation.TIMEOUT_MS, minimum = "100", maximum = "10000", examples = "1000")
        Integer timeoutMs,
        @Schema(description = ApiDocumentation.IP_FAMILY, type = SchemaType.STRING,
                enumeration = {"any", "ipv4", "ipv6"}, defaultValue = "any")
        String ipFamily,
        @Schema(description = ApiDocumentation.EVERY, examples = "1m")
        String every,
        @Schema(description = ApiDocumentation.CRON, examples = "0 */5 * * * ?")
        String cron,
        @Schema(description = ApiDocumentation.EXPECT, type = SchemaType.STRING,
                enumeration = {"open", "closed", "filtered"}, defaultValue = "open")
        String expect,
        @Schema(description = ApiDocumentation.ALERT, implementation = ScheduleResponse.Alert.class)
        Map<String, Object> alert) {
}
