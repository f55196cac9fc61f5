package dev.parallax.coordinator.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a schedule fires: every fixed interval, or at the times of a Quartz cron expression (UTC), the syntax
 * quarkus-scheduler uses ({@code sec min hour day-of-month month day-of-week [year]}).
 *
 * <p>Fire times come from the spec, never from "now": the next time after a firing is computed from the due time
 * it fired for, so a late firing does not shift the ones after it.
 */
public sealed interface Cadence {

    /** The first due time strictly after {@code time}. */
    Instant nextAfter(Instant time);

    /**
     * The first due time of a new (or changed) schedule: for an interval, now plus an offset derived from the
     * schedule's id, so that schedules created together do not all fire at the same instant; for cron, the
     * expression's next time.
     */
    Instant first(Instant now, UUID scheduleId);

    /** The spec as the API shows it: {@code every} as ISO-8601, or the cron expression. */
    String describe();

    /**
     * The first due time after {@code fired} that is not yet past at {@code now}: due times missed while no
     * coordinator ran are skipped (the run that fires late stands for them), the grid stays where the spec put
     * it.
     */
    default Instant nextDue(Instant fired, Instant now) {
        Instant next = nextAfter(fired);
        if (!next.isAfter(now)) {
            next = nextAfter(now);
        }
        return next;
    }

    /** A fixed interval. */
    record Every(Duration interval) implements Cadence {

        /**
         * The longest interval: a year and a day, the longest cadence a recurring check has a use for. Without a bound,
         * an interval of a billion days made due times PostgreSQL cannot store.
         */
        static final Duration LONGEST = Duration.ofDays(366);
        private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

        public Every {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("an interval must be positive");
            }
        }

        /**
         * {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 250ms}, {@code 1d}, or ISO-8601 ({@code PT30S}); at most
         * {@link #LONGEST}.
         *
         * @throws IllegalArgumentException saying which forms are understood
         */
        public static Every parse(String text) {
            Every every = parseAnyLength(text);
            if (every.interval().compareTo(LONGEST) > 0) {
                throw new IllegalArgumentException("an interval is at most " + LONGEST.toDays() + " days; got '"
                        + text + "'");
            }
            return every;
        }

        private static Every parseAnyLength(String text) {
            String trimmed = text.strip();
            if (trimmed.toUpperCase(Locale.ROOT).startsWith("P")) {
                Duration parsed;
                try {
                    parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
                } catch (RuntimeException e) {
                    throw badInterval(text);
                }
                return new Every(parsed);
            }
            Matcher m = SIMPLE.matcher(trimmed.toLowerCase(Locale.ROOT));
            Duration total = Duration.ZERO;
            int end = 0;
            while (m.find() && m.start() == end) {
                long amount = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
                end = m.end();
            }
            if (end == 0 || end != trimmed.length() || total.isZero()) {
                throw badInterval(text);
            }
            return new Every(total);
        }

        private static IllegalArgumentException badInterval(String text) {
            return new IllegalArgumentException("'" + text + "' is not an interval; write e.g. \"30s\", \"5m\","
                    + " \"1h30m\" or ISO-8601 \"PT30S\"");
        }

        @Override
        public Instant nextAfter(Instant time) {
            return time.plus(interval);
        }

        @Override
        public Instant first(Instant now, UUID scheduleId) {
            long spread = Math.floorMod(scheduleId.getLeastSignificantBits(), interval.toMillis());
            return now.plusMillis(spread);
        }

        @Override
        public Instant nextDue(Instant fired, Instant now) {
            Instant next = fired.plus(interval);
            if (!next.isAfter(now)) {
                // Stay on the grid fired + k * interval.
                long behind = Duration.between(next, now).toMillis() / interval.toMillis() + 1;
                next = next.plus(interval.multipliedBy(behind));
            }
            return next;
        }

        @Override
        public String describe() {
            return interval.toString();
        }
    }

    /** A Quartz cron expression, evaluated in UTC. */
    record CronExpression(String expression, ExecutionTime times) implements Cadence {

        private static final CronParser PARSER =
                new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

        /** @throws IllegalArgumentException with the parser's explanation */
        public static CronExpression parse(String text) {
            String trimmed = text.strip();
            Cron cron;
            try {
                cron = PARSER.parse(trimmed);
                cron.validate();
            } catch (RuntimeException e) {
                // The parser's own explanations are worth passing on; its index errors are not.
                String why = e instanceof IllegalArgumentException && e.getMessage() != null
                        && !e.getMessage().contains("out of bounds") ? e.getMessage() : "it cannot be read";
                throw new IllegalArgumentException("'" + text + "' is not a Quartz cron expression (seconds minutes"
                        + " hours day-of-month month day-of-week [year], e.g. \"0 */5 * * * ?\"): " + why);
            }
            return new CronExpression(trimmed, ExecutionTime.forCron(cron));
        }

        @Override
        public Instant nextAfter(Instant time) {
            Optional<ZonedDateTime> next = times.nextExecution(time.atZone(ZoneOffset.UTC));
            // An expression with no future time (a year in the past) never fires again.
            return next.map(ZonedDateTime::toInstant).orElse(Instant.MAX);
        }

        @Override
        public Instant first(Instant now, UUID scheduleId) {
            return nextAfter(now);
        }

        @Override
        public String describe() {
            return expression;
        }
    }

    /**
     * The shortest gap between consecutive due times over the next {@code samples} firings after {@code from}:
     * an interval's length, or what a cron expression comes down to at its densest.
     */
    static Duration shortestGap(Cadence cadence, Instant from, int samples) {
        if (cadence instanceof Every every) {
            return every.interval();
        }
        Duration shortest = null;
        Instant previous = cadence.nextAfter(from);
        for (int i = 0; i < samples && previous != Instant.MAX; i++) {
            Instant next = cadence.nextAfter(previous);
            if (next == Instant.MAX) {
                break;
            }
            Duration gap = Duration.between(previous, next);
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = next;
        }
        return shortest == null ? Duration.ofDays(365) : shortest;
    }
}
