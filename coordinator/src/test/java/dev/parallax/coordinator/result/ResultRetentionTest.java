package dev.parallax.coordinator.result;

import dev.parallax.coordinator.database.PgArrays;
import dev.parallax.coordinator.schedule.StoredRuns;
import dev.parallax.coordinator.schedule.StoredRuns.Probe;
import dev.parallax.coordinator.schedule.UptimeJobsByHand;
import dev.parallax.coordinator.schedule.UptimeRollup;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static dev.parallax.common.contract.PortState.CLOSED;
import static dev.parallax.common.contract.PortState.FILTERED;
import static dev.parallax.common.contract.PortState.OPEN;
import static dev.parallax.coordinator.schedule.StoredRuns.check;
import static dev.parallax.coordinator.schedule.StoredRuns.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Retention deletes checks past the configured age (P30D here, the default) with their results, in batches, but
 * never a scheduled run the uptime rollup has not added yet; the uptime of a schedule outlives its raw results.
 */
@QuarkusTest
@TestProfile(UptimeJobsByHand.class)
@QuarkusTestResource(RealInfrastructure.class)
class ResultRetentionTest {

    private static final String TARGET = "result-retention-test.invalid";

    @Inject
    AgroalDataSource db;

    @Inject
    ResultRetention retention;

    @Inject
    UptimeRollup rollup;

    @AfterEach
    void removeTestRows() {
        StoredRuns.remove(db, TARGET);
    }

    @Test
    void deletesOnlyChecksPastTheAgeAndNeverAScheduledRunBeforeItsRollup() {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(31));
        UUID schedule = StoredRuns.schedule(db, TARGET);
        UUID oldSingle = check(TARGET, old)
                .region("eu-west", "DONE", probe(443, OPEN, 900), probe(8443, CLOSED, 300))
                .region("us-east", "UNAVAILABLE")
                .insert(db);
        UUID sentJob = outboxRow(oldSingle, old, old.plusSeconds(30), old.plusSeconds(1));
        UUID expiredJob = outboxRow(oldSingle, old, old.plusSeconds(30), null);
        UUID stuckJob = outboxRow(oldSingle, old, null, null);   // neither sent nor expired: kept
        UUID oldRolledUp = check(TARGET, old.plusSeconds(1)).of(schedule)
                .region("eu-west", "DONE", probe(443, OPEN, 900)).insert(db);
        Sql.update(db, "UPDATE checks SET rolled_up_at = now() WHERE id = ?", oldRolledUp);
        UUID oldNotRolledUp = check(TARGET, old.plusSeconds(2)).of(schedule)
                .region("eu-west", "DONE", probe(443, OPEN, 900)).insert(db);
        UUID oldRunning = check(TARGET, old.plusSeconds(3)).of(schedule).running()
                .region("eu-west", "PENDING").insert(db);
        UUID youngSingle = check(TARGET, now.minus(Duration.ofDays(29)))
                .region("eu-west", "DONE", probe(443, OPEN, 900)).insert(db);
        UUID youngRolledUp = check(TARGET, now.minus(Duration.ofHours(1))).of(schedule)
                .region("eu-west", "DONE", probe(443, OPEN, 900)).insert(db);
        Sql.update(db, "UPDATE checks SET rolled_up_at = now() WHERE id = ?", youngRolledUp);
        Map<UUID, String> all = Map.of(oldSingle, "31 days old, unscheduled", oldRolledUp, "31 days old, rolled up",
                oldNotRolledUp, "31 days old, complete, not rolled up", oldRunning, "31 days old, still running",
                youngSingle, "29 days old, unscheduled", youngRolledUp, "an hour old, rolled up");

        // Repeated because a check another transaction holds locked at that moment is skipped until the next run.
        AtomicReference<ResultRetention.Deleted> deleted = new AtomicReference<>(ResultRetention.Deleted.NOTHING);
        await("the old unscheduled check and the old rolled-up run deleted").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    deleted.set(deleted.get().plus(retention.purge()));
                    assertThat(left(all)).as("checks left")
                            .containsExactlyInAnyOrder(all.get(oldNotRolledUp), all.get(oldRunning),
                                    all.get(youngSingle), all.get(youngRolledUp));
                });

        assertThat(deleted.get()).as("what retention says it deleted")
                .isEqualTo(new ResultRetention.Deleted(2, 3, 3, 2));
        assertThat(Sql.count(db, "SELECT count(*) FROM region_results WHERE check_id IN (?, ?)", oldSingle,
                oldRolledUp)).as("region results of the deleted checks").isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM port_results WHERE check_id IN (?, ?)", oldSingle,
                oldRolledUp)).as("port results of the deleted checks").isZero();
        assertThat(Sql.rows(db, "SELECT event_id FROM outbox_events WHERE event_id IN (?, ?, ?)", sentJob, expiredJob,
                stuckJob)).as("outbox rows left: only the one neither sent nor expired")
                .containsExactly(Map.of("event_id", stuckJob));
        assertThat(Sql.count(db, "SELECT count(*) FROM port_results WHERE check_id IN (?, ?)", oldNotRolledUp,
                youngSingle)).as("the kept checks keep their results").isEqualTo(2);

        // Once the rollup added the old run, it may go; the one still running stays.
        await("the old run rolled up").atMost(Duration.ofSeconds(30)).until(() -> {
            rollup.rollUpBatch(100);
            return Sql.count(db, "SELECT count(*) FROM checks WHERE id = ? AND rolled_up_at IS NULL",
                    oldNotRolledUp) == 0;
        });
        await("the old run deleted after its rollup").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            retention.purge();
            assertThat(left(all)).as("checks left")
                    .containsExactlyInAnyOrder(all.get(oldRunning), all.get(youngSingle), all.get(youngRolledUp));
        });
    }

    @Test
    void deletesInBatchesOldestFirst() {
        Instant now = Instant.now();
        List<UUID> old = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            old.add(check(TARGET, now.minus(Duration.ofDays(40)).plus(Duration.ofMinutes(i)))
                    .region("eu-west", "DONE", probe(443, OPEN, 900)).insert(db));
        }
        // Nothing else in the database is older than 35 days.
        Instant cutoff = now.minus(Duration.ofDays(35));

        assertThat(retention.deleteBatch(cutoff, 2)).as("first batch")
                .isEqualTo(new ResultRetention.Deleted(2, 2, 2, 0));
        assertThat(existing(old)).as("the two oldest went first")
                .containsExactlyInAnyOrderElementsOf(old.subList(2, 5));
        assertThat(retention.deleteBatch(cutoff, 2)).as("second batch")
                .isEqualTo(new ResultRetention.Deleted(2, 2, 2, 0));
        assertThat(retention.deleteBatch(cutoff, 2)).as("third batch, the last check")
                .isEqualTo(new ResultRetention.Deleted(1, 1, 1, 0));
        assertThat(retention.deleteBatch(cutoff, 2)).as("nothing left").isEqualTo(ResultRetention.Deleted.NOTHING);
        assertThat(existing(old)).isEmpty();
    }

    @Test
    void uptimeStaysTheSameAfterRetentionDeletedTheRawResults() {
        UUID schedule = StoredRuns.schedule(db, TARGET);
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            check(TARGET, now.minus(Duration.ofMinutes(2L * i))).of(schedule)
                    .region("eu-west", "DONE", probe(443, OPEN, 200 + 37L * i), probe(8443, CLOSED, 400))
                    .region("us-east", i % 2 == 0 ? "DONE" : "UNAVAILABLE",
                            i % 2 == 0 ? new Probe[] {probe(443, FILTERED, 500_000)} : new Probe[0])
                    .insert(db);
        }
        await("every run rolled up").atMost(Duration.ofSeconds(30)).until(() -> {
            rollup.rollUpBatch(100);
            return Sql.count(db, "SELECT count(*) FROM checks WHERE schedule_id = ? AND rolled_up_at IS NULL",
                    schedule) == 0;
        });
        List<Map<String, Object>> before = uptimeRegions(schedule);
        assertThat(before).as("uptime before retention").hasSize(2);
        assertThat(before.getFirst()).as("eu-west before retention").containsEntry("runs", 20);

        // The raw results age past the max age; the aggregates keep the hours the runs happened in.
        Sql.update(db, "UPDATE checks SET created_at = created_at - interval '31 days' WHERE schedule_id = ?",
                schedule);
        await("every raw result of the schedule deleted").atMost(Duration.ofSeconds(30)).until(() -> {
            retention.purge();
            return Sql.count(db, "SELECT count(*) FROM checks WHERE schedule_id = ?", schedule) == 0;
        });

        assertThat(uptimeRegions(schedule)).as("uptime after retention deleted the raw results").isEqualTo(before);
    }

    @Test
    void refusesAMaxAgeUnderAnHour() {
        assertThatThrownBy(() -> ResultRetention.requireSaneMaxAge(Duration.ofMinutes(30)))
                .as("PT30M, a typo for P30D")
                .hasMessageContaining("parallax.retention.results-max-age must be at least PT1H");
        ResultRetention.requireSaneMaxAge(Duration.ofHours(1));
    }

    private List<Map<String, Object>> uptimeRegions(UUID schedule) {
        return given().get("/api/v1/schedules/" + schedule + "/uptime?window=24h").then().statusCode(200)
                .extract().jsonPath().getList("regions");
    }

    /** The names of the checks still stored. */
    private List<String> left(Map<UUID, String> checks) {
        return existing(List.copyOf(checks.keySet())).stream().map(checks::get).toList();
    }

    private List<UUID> existing(List<UUID> checks) {
        return Sql.rows(db, "SELECT id FROM checks WHERE id = ANY (CAST(? AS uuid[]))",
                        PgArrays.textArray(checks.stream().map(UUID::toString).toList())).stream()
                .map(row -> (UUID) row.get("id")).toList();
    }

    private UUID outboxRow(UUID check, Instant created, Instant expires, Instant sent) {
        UUID event = UUID.randomUUID();
        // Due only in a day, so the relay leaves the unsent ones alone.
        Sql.update(db, """
                        INSERT INTO outbox_events (event_id, aggregate_id, topic, message_key, payload, created_at,
                                                   expires_at, next_attempt_at, sent_at)
                        VALUES (?, ?, 'parallax.jobs.eu-west', ?, '{}', ?, ?, now() + interval '1 day', ?)""",
                event, check, check.toString(), Timestamp.from(created),
                expires == null ? null : Timestamp.from(expires), sent == null ? null : Timestamp.from(sent));
        return event;
    }
}
