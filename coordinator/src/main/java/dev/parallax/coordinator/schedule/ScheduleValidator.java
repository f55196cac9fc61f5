package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.check.CheckValidator;
import dev.parallax.coordinator.check.CheckValidator.CheckTemplate;
import dev.parallax.coordinator.check.FieldError;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the fields of a schedule request into a {@link ScheduleSpec}, or says everything that is wrong with
 * them. The check part is validated as a check request is, except that its regions are chosen at each run.
 */
@ApplicationScoped
public class ScheduleValidator {

    /** Due times looked at to find a cron expression's densest gap. */
    private static final int CRON_SAMPLES = 50;

    private final CheckValidator checks;
    private final Duration minInterval;

    public ScheduleValidator(CheckValidator checks, ParallaxConfig config) {
        this.checks = checks;
        this.minInterval = config.schedules().minInterval();
    }

    /** The raw fields of a schedule; null means absent. */
    public record Fields(String target, List<?> ports, Object regions, Integer limit, Integer timeoutMs,
                         String ipFamily, String every, String cron, String expect) {
    }

    /** @throws InvalidCheckException listing every wrong field */
    public ScheduleSpec validate(Fields fields) {
        List<FieldError> errors = new ArrayList<>();
        CheckTemplate check = checks.template(fields.target(), fields.ports(), fields.regions(), fields.limit(),
                fields.timeoutMs(), fields.ipFamily(), errors);
        Cadence cadence = cadence(fields.every(), fields.cron(), errors);
        PortState expected = expected(fields.expect(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidCheckException(errors);
        }
        return new ScheduleSpec(check, cadence, expected);
    }

    private Cadence cadence(String every, String cron, List<FieldError> errors) {
        if (every != null && cron != null) {
            errors.add(new FieldError("every", "give either every or cron, not both"));
            return null;
        }
        if (every == null && cron == null) {
            errors.add(new FieldError("every", "give how often to run: every (e.g. \"30s\", \"5m\", \"PT1H\") or"
                    + " cron (Quartz, e.g. \"0 */5 * * * ?\")"));
            return null;
        }
        String field = every != null ? "every" : "cron";
        Cadence cadence;
        try {
            cadence = every != null ? Cadence.Every.parse(every) : Cadence.CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, e.getMessage()));
            return null;
        }
        Instant now = Instant.now();
        if (cadence.nextAfter(now) == Instant.MAX) {
            errors.add(new FieldError(field, "'" + cron + "' has no time left to run at"));
            return null;
        }
        Duration gap = Cadence.shortestGap(cadence, now, CRON_SAMPLES);
        if (gap.compareTo(minInterval) < 0) {
            errors.add(new FieldError(field, field + " runs every " + describe(gap) + " at its densest; the"
                    + " shortest interval allowed is " + describe(minInterval)));
            return null;
        }
        return cadence;
    }

    private static PortState expected(String expect, List<FieldError> errors) {
        if (expect == null) {
            return PortState.OPEN;
        }
        return switch (expect.strip().toLowerCase(Locale.ROOT)) {
            case "open" -> PortState.OPEN;
            case "closed" -> PortState.CLOSED;
            case "filtered" -> PortState.FILTERED;
            default -> {
                errors.add(new FieldError("expect", "expect is the state that counts as up: open (the default),"
                        + " closed or filtered; got '" + expect + "'"));
                yield null;
            }
        };
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
