package dev.parallax.coordinator.schedule;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CadenceTest {

    private static final Instant T = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void intervalsAreReadInShortAndIsoForms() {
        assertThat(Cadence.Every.parse("30s").interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(Cadence.Every.parse("1h30m").interval()).isEqualTo(Duration.ofMinutes(90));
        assertThat(Cadence.Every.parse("250ms").interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(Cadence.Every.parse("2d").interval()).isEqualTo(Duration.ofDays(2));
        assertThat(Cadence.Every.parse("PT45S").interval()).isEqualTo(Duration.ofSeconds(45));
        assertThat(Cadence.Every.parse("pt1m").interval()).isEqualTo(Duration.ofMinutes(1));
        for (String bad : new String[] {"", "30", "s", "30 s", "1h30", "0s", "-5s", "P", "5w", "1m1x"}) {
            assertThatThrownBy(() -> Cadence.Every.parse(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interval");
        }
    }

    @Test
    void nextDueStaysOnTheGridAndSkipsWhatWasMissed() {
        Cadence every = new Cadence.Every(Duration.ofSeconds(10));
        assertThat(every.nextDue(T, T.plusMillis(300))).as("fired 300 ms late: no drift")
                .isEqualTo(T.plusSeconds(10));
        assertThat(every.nextDue(T, T.plusSeconds(35))).as("three due times missed while nobody ran")
                .isEqualTo(T.plusSeconds(40));
        assertThat(every.nextDue(T, T.plusSeconds(40))).as("a due time equal to now is past")
                .isEqualTo(T.plusSeconds(50));
    }

    @Test
    void firstRunsOfIntervalSchedulesAreSpreadOverTheFirstInterval() {
        Cadence every = new Cadence.Every(Duration.ofSeconds(10));
        UUID a = UUID.fromString("00000000-0000-0000-0000-000000000001");
        UUID b = UUID.fromString("00000000-0000-0000-0000-000000001f40");
        assertThat(every.first(T, a)).isEqualTo(T.plusMillis(1));
        assertThat(every.first(T, b)).isEqualTo(T.plusMillis(8000));
        assertThat(every.first(T, UUID.randomUUID())).isBetween(T, T.plusSeconds(10));
    }

    @Test
    void cronExpressionsAreQuartzInUtc() {
        Cadence cron = Cadence.CronExpression.parse("0 */5 * * * ?");
        assertThat(cron.nextAfter(T)).isEqualTo(T.plusSeconds(300));
        assertThat(cron.nextAfter(T.plusSeconds(1))).isEqualTo(T.plusSeconds(300));
        assertThat(cron.nextDue(T, T.plusSeconds(301))).as("missed one").isEqualTo(T.plusSeconds(600));
        assertThat(Cadence.shortestGap(Cadence.CronExpression.parse("0 0,1 * * * ?"), T, 50))
                .as("at its densest").isEqualTo(Duration.ofMinutes(1));
        assertThat(Cadence.CronExpression.parse("0 0 0 1 1 ? 2020").nextAfter(T)).isEqualTo(Instant.MAX);
        assertThatThrownBy(() -> Cadence.CronExpression.parse("*/5 * * * *"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Quartz");
    }
}
