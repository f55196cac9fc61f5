package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A recurring check: what to probe, how often, and when it fires next. A row of {@code schedules}, written and read
 * through {@link ScheduleRows} (and claimed, fired and moved on by {@link ScheduleFirer}).
 *
 * @param ports           canonical port-set text, e.g. {@code 22,443,8000-8010}
 * @param regions         the regions named; null for every region with a live agent at each run
 * @param everyMs         the interval, or null for a {@code cron} schedule
 * @param expectedState   the state that counts as up: OPEN unless the schedule watches that a port stays closed or
 *                        filtered
 * @param webhookSecret   signs webhook bodies; set at creation, shown to the owner once
 * @param quotaSubject    whose check-cost bucket the runs take from: the key that created or last changed the schedule
 *                        ({@code key:<id>}), an anonymous caller's address ({@code address:<ip>}), or, for a schedule
 *                        older than budgets, its owner ({@code owner:<owner>})
 * @param costPerHour     what the schedule may cost in an hour at its densest: ports x regions x runs an hour
 * @param overBudgetSince since when runs have been skipped for want of budget; null while they are charged
 */
public record Schedule(UUID id, String owner, String target, String ports, int portCount, List<String> regions,
                       Integer regionLimit, int timeoutMs, IpFamily ipFamily, Long everyMs, String cron,
                       PortState expectedState, String alertWebhook, int alertQuorum, int alertConsecutive,
                       String webhookSecret, boolean paused, String quotaSubject, long costPerHour,
                       Instant overBudgetSince, Instant nextFireAt, Instant lastFiredAt, Instant createdAt,
                       Instant updatedAt) {

    public Schedule {
        regions = regions == null ? null : List.copyOf(regions);
    }

    /** The cadence this row describes. */
    public Cadence cadence() {
        return everyMs != null ? new Cadence.Every(Duration.ofMillis(everyMs)) : Cadence.CronExpression.parse(cron);
    }
}
