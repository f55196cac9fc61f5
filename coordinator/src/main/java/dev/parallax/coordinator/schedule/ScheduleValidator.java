package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.targeting.InvalidTargetException;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.common.targeting.TargetPolicy;
import dev.parallax.coordinator.check.CheckValidator;
import dev.parallax.coordinator.check.CheckValidator.CheckTemplate;
import dev.parallax.coordinator.check.FieldError;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the fields of a schedule request into a {@link ScheduleSpec}, or says everything that is wrong with
 * them. The check part is validated as a check request is, except that its regions are chosen at each run.
 */
@ApplicationScoped
public class ScheduleValidator {

    /** Due times looked at to find a cron expression's densest gap. */
    private static final int CRON_SAMPLES = 50;
    private static final int MAX_CONSECUTIVE = 10;
    private static final List<String> ALERT_FIELDS = List.of("webhook", "quorum", "consecutive");

    private final CheckValidator checks;
    private final Duration minInterval;
    private final int maxRegions;
    private final TargetPolicy policy;

    public ScheduleValidator(CheckValidator checks, ParallaxConfig config, TargetPolicy policy) {
        this.checks = checks;
        this.minInterval = config.schedules().minInterval();
        this.maxRegions = config.checks().maxRegions();
        this.policy = policy;
    }

    /** The raw fields of a schedule; null means absent. */
    public record Fields(String target, List<?> ports, Object regions, Integer limit, Integer timeoutMs,
                         String ipFamily, String every, String cron, String expect, Map<String, Object> alert) {
    }

    /** @throws InvalidCheckException listing every wrong field */
    public ScheduleSpec validate(Fields fields) {
        List<FieldError> errors = new ArrayList<>();
        CheckTemplate check = checks.template(fields.target(), fields.ports(), fields.regions(), fields.limit(),
                fields.timeoutMs(), fields.ipFamily(), errors);
        Cadence cadence = cadence(fields.every(), fields.cron(), errors);
        PortState expected = expected(fields.expect(), errors);
        AlertSpec alert = alert(fields.alert(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidCheckException(errors);
        }
        return new ScheduleSpec(check, cadence, expected, alert);
    }

    /**
     * {@code {"webhook": "https://…", "quorum": 2, "consecutive": 2}}, every field optional. A webhook whose host is
     * an IP literal must pass the target policy here; a hostname is checked at each delivery, after resolving it.
     */
    private AlertSpec alert(Map<String, Object> raw, List<FieldError> errors) {
        if (raw == null) {
            return AlertSpec.defaults();
        }
        for (String key : raw.keySet()) {
            if (!ALERT_FIELDS.contains(key)) {
                errors.add(new FieldError("alert." + key, "unknown field; alert has " + String.join(", ",
                        ALERT_FIELDS)));
            }
        }
        URI webhook = null;
        if (raw.get("webhook") != null) {
            webhook = webhook(raw.get("webhook"), errors);
        }
        int quorum = count(raw, "quorum", AlertSpec.DEFAULT_QUORUM, maxRegions, errors);
        int consecutive = count(raw, "consecutive", AlertSpec.DEFAULT_CONSECUTIVE, MAX_CONSECUTIVE, errors);
        return new AlertSpec(webhook, quorum, consecutive);
    }

    private URI webhook(Object raw, List<FieldError> errors) {
        String hint = "alert.webhook must be an http(s) URL such as https://hooks.example.com/parallax";
        if (!(raw instanceof String text)) {
            errors.add(new FieldError("alert.webhook", hint));
            return null;
        }
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            errors.add(new FieldError("alert.webhook", hint + "; got '" + text + "'"));
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            errors.add(new FieldError("alert.webhook", hint + " (no user info, no fragment); got '" + text + "'"));
            return null;
        }
        try {
            TargetHost host = TargetHost.parse(uri.getHost());
            host.literalAddress().ifPresent(address -> {
                TargetPolicy.Decision decision = policy.evaluate(address);
                if (!decision.allowed()) {
                    errors.add(new FieldError("alert.webhook", "webhook host refused by policy: "
                            + decision.reason()));
                }
            });
        } catch (InvalidTargetException e) {
            errors.add(new FieldError("alert.webhook", "webhook host: " + e.getMessage()));
            return null;
        }
        return uri;
    }

    private static int count(Map<String, Object> raw, String field, int defaultValue, int max,
                             List<FieldError> errors) {
        Object value = raw.get(field);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Integer number && number >= 1 && number <= max) {
            return number;
        }
        errors.add(new FieldError("alert." + field, "alert." + field + " must be a whole number from 1 to " + max
                + "; got " + value));
        return defaultValue;
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

    /**
     * What a schedule may cost in an hour: ports x the most regions a run can probe x runs an hour at its densest
     * (for a cron expression, the shortest gap between two of its next due times), rounded up.
     */
    public HourlyCost hourlyCost(ScheduleSpec spec) {
        int ports = spec.check().ports().size();
        int regions = checks.regionsAtMost(spec.check().regions());
        Duration gap = Cadence.shortestGap(spec.cadence(), Instant.now(), CRON_SAMPLES);
        double runsPerHour = (double) Duration.ofHours(1).toMillis() / Math.max(1, gap.toMillis());
        return new HourlyCost(ports, regions, runsPerHour, (long) Math.ceil(ports * (double) regions * runsPerHour));
    }

    /** A schedule's cost per hour and what it is made of. */
    public record HourlyCost(int ports, int regions, double runsPerHour, long total) {

        /** E.g. "1024 ports x 3 regions x 360 runs an hour". */
        public String describe() {
            String runs = runsPerHour == Math.rint(runsPerHour) ? Long.toString((long) runsPerHour)
                    : String.format(Locale.ROOT, "%.2f", runsPerHour);
            return ports + (ports == 1 ? " port" : " ports") + " x " + regions + (regions == 1 ? " region" : " regions")
                    + " x " + runs + " runs an hour";
        }
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
