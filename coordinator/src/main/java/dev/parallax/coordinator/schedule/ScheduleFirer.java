package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.targeting.PortSet;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.check.CheckService;
import dev.parallax.coordinator.check.CheckSpec;
import dev.parallax.coordinator.check.CheckValidator;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.quota.QuotaBuckets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;

/**
 * Fires due schedules, exactly once per due time however many coordinators run this at once.
 *
 * <p>MUST run a batch in one transaction: the schedule rows are claimed with {@code FOR NO KEY UPDATE SKIP
 * LOCKED} (another coordinator skips them until this one commits; NO KEY, so that the key-share locks taken by
 * inserts that reference a schedule, the evaluator's and the rollup's, do not make a due schedule look taken),
 * the firing is recorded under {@code PRIMARY KEY (schedule_id, fire_time)} (a second firing of the same due
 * time inserts nothing), and the check, its outbox rows and the schedule's next due time commit together with
 * it, or not at all.
 *
 * <p>Each run is charged: its cost (ports x regions) is taken from the check-cost bucket of the key the schedule is
 * charged to, in the same transaction ({@link QuotaBuckets#takeInOrder}). A run the bucket cannot pay for is recorded
 * as skipped, with the reason; the first one skipped after runs were paid for is an event ({@code runs-skipped}), and
 * so is the first one paid for again ({@code runs-resumed}).
 *
 * <p>A batch is read and written as plain rows, a handful of statements whatever its size: at hundreds of runs
 * a second, entities (hydration, flush, dirty checks) cost more than the firing itself.
 */
@ApplicationScoped
public class ScheduleFirer {

    private static final Logger LOG = Logger.getLogger(ScheduleFirer.class);
    /** This coordinator, as {@code pid@host}: recorded with each firing, so an operator sees who fired what. */
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName();
    /** Parsed cron expressions by their text: parsing one costs more than computing its next time. */
    private static final Map<String, Cadence> CRON_CADENCES = new ConcurrentHashMap<>();
    private static final int CRON_CACHE_LIMIT = 10_000;
    private static final String OVER_BUDGET = "skipped: over budget: ";

    private final EntityManager em;
    private final CheckService checks;
    private final CheckValidator validator;
    private final ScheduleEventLog events;
    private final int defaultBudgetPerHour;
    private final int anonymousBudgetPerHour;
    private final Duration minInterval;

    public ScheduleFirer(EntityManager em, CheckService checks, CheckValidator validator, ScheduleEventLog events,
                         ParallaxConfig config) {
        this.em = em;
        this.checks = checks;
        this.validator = validator;
        this.events = events;
        this.defaultBudgetPerHour = config.quotas().costPerHour();
        this.anonymousBudgetPerHour = config.auth().anonymous().costPerHour();
        this.minInterval = config.schedules().minInterval();
    }

    /**
     * What a due schedule's row says about its next run. {@code budgetPerHour} is that of the key it is charged to as
     * the key is now; {@code keyRevoked} whether that key was revoked since.
     */
    private record DueSchedule(UUID id, String owner, String target, String ports, List<String> regions, Integer regionLimit,
                               int timeoutMs, IpFamily ipFamily, Long everyMs, String cron, Instant fireTime,
                               String quotaSubject, int budgetPerHour, boolean keyRevoked, Instant overBudgetSince,
                               PortState expected, String webhook) {

        Cadence cadence() {
            if (everyMs != null) {
                return new Cadence.Every(Duration.ofMillis(everyMs));
            }
            Cadence cached = CRON_CADENCES.get(cron);
            if (cached == null) {
                cached = Cadence.CronExpression.parse(cron);
                if (CRON_CADENCES.size() < CRON_CACHE_LIMIT) {
                    CRON_CADENCES.put(cron, cached);
                }
            }
            return cached;
        }
    }

    /**
     * One run: the firing row, and the check to submit for it (null when it cannot be submitted, with the reason);
     * {@code overBudgetSince} is the schedule's after this run.
     */
    private record Run(DueSchedule schedule, CheckService.Submission submission, String outcome,
                       Instant overBudgetSince) {
    }

    /** Fires at most {@code batchSize} due schedules; returns how many it claimed. */
    @Transactional
    public int fireDue(int batchSize) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<Run> fired = em.unwrap(Session.class).doReturningWork(connection -> {
            List<DueSchedule> due = claim(connection, now, batchSize);
            if (due.isEmpty()) {
                return List.of();
            }
            Supplier<List<String>> liveRegions = memoized(validator::liveRegions);
            List<Run> prepared = new ArrayList<>(due.size());
            for (DueSchedule schedule : due) {
                prepared.add(prepare(schedule, liveRegions, now));
            }
            Set<UUID> recorded = recordFirings(connection, prepared, now);
            List<Run> firing = new ArrayList<>(prepared.size());
            for (Run run : prepared) {
                if (recorded.contains(run.schedule().id())) {
                    firing.add(run);
                } else {
                    LOG.warnf("Schedule %s already fired for %s; moving on", run.schedule().id(),
                            run.schedule().fireTime());
                }
            }
            // Charged only once the firing is recorded: a run raced by another coordinator costs nothing.
            List<Run> runs = charge(connection, firing, now);
            List<Run> submitted = runs.stream().filter(run -> run.submission() != null).toList();
            List<CheckService.CheckRecord> stored = checks.submitAll(
                    submitted.stream().map(Run::submission).toList());
            settleFirings(connection, runs, submitted, stored);
            advance(connection, prepared, runs, now, minInterval);
            return runs;
        });
        recordBudgetEvents(fired, now);
        return fired.size();
    }

    /**
     * Takes each submitted run's cost from its schedule's bucket, in the order the runs were claimed; a run the
     * bucket cannot pay for is not submitted.
     */
    private List<Run> charge(Connection connection, List<Run> prepared, Instant now) throws SQLException {
        List<Run> paying = prepared.stream().filter(run -> run.submission() != null).toList();
        List<QuotaBuckets.CostRequest> requests = new ArrayList<>(paying.size());
        for (Run run : paying) {
            double budget = run.schedule().budgetPerHour();
            requests.add(new QuotaBuckets.CostRequest(run.schedule().quotaSubject(), budget, budget / 3600.0,
                    cost(run.submission())));
        }
        List<QuotaBuckets.Take> takes = QuotaBuckets.takeInOrder(connection, requests);
        Map<Run, QuotaBuckets.Take> taken = new IdentityHashMap<>();
        for (int i = 0; i < paying.size(); i++) {
            taken.put(paying.get(i), takes.get(i));
        }
        List<Run> runs = new ArrayList<>(prepared.size());
        for (Run run : prepared) {
            QuotaBuckets.Take take = taken.get(run);
            if (take == null) {
                runs.add(run);
            } else if (take.taken()) {
                runs.add(new Run(run.schedule(), run.submission(), null, null));
            } else {
                // Recorded as skipped by settleFirings, in the firing row already inserted.
                int ports = run.submission().spec().ports().size();
                int regions = run.submission().spec().regions().size();
                String reason = OVER_BUDGET + "this run costs " + cost(run.submission()) + " (" + ports
                        + (ports == 1 ? " port x " : " ports x ") + regions + (regions == 1 ? " region" : " regions")
                        + ") and " + Math.max(0, (long) Math.floor(take.remaining())) + " of the hourly budget of "
                        + run.schedule().budgetPerHour() + " is left";
                LOG.infof("Schedule %s run for %s %s", run.schedule().id(), run.schedule().fireTime(), reason);
                Instant since = run.schedule().overBudgetSince() != null ? run.schedule().overBudgetSince() : now;
                runs.add(new Run(run.schedule(), null, reason, since));
            }
        }
        return runs;
    }

    private static long cost(CheckService.Submission submission) {
        return (long) submission.spec().ports().size() * submission.spec().regions().size();
    }

    /**
     * An event where a schedule's runs start being skipped (its key's budget cannot pay for them, or the key was
     * revoked), and where they are paid for again.
     */
    private void recordBudgetEvents(List<Run> runs, Instant now) {
        for (Run run : runs) {
            DueSchedule schedule = run.schedule();
            boolean wasOver = schedule.overBudgetSince() != null;
            boolean isOver = run.overBudgetSince() != null;
            if (wasOver == isOver) {
                continue;
            }
            ScheduleEventLog.About about = new ScheduleEventLog.About(schedule.id(), schedule.target(),
                    schedule.ports(), schedule.expected(), schedule.webhook());
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("budgetPerHour", schedule.budgetPerHour());
            detail.put("dueAt", schedule.fireTime().toString());
            String summary = isOver
                    ? "runs skipped from " + schedule.fireTime() + ": " + run.outcome().substring("skipped: ".length())
                    : "runs paid for again from " + schedule.fireTime() + ", after runs skipped since "
                      + schedule.overBudgetSince();
            events.record(about, new ScheduleEventLog.Event(isOver ? "runs-skipped" : "runs-resumed", null, null,
                    null, summary, detail), now);
        }
    }

    private List<DueSchedule> claim(Connection connection, Instant now, int batchSize) throws SQLException {
        // The key's budget is read as it is now (the default may have changed since the schedule was saved); the
        // join compares text, since only some subjects are keys.
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT s.id, s.owner, s.target, s.ports, s.regions, s.region_limit, s.timeout_ms, s.ip_family,
                       s.every_ms, s.cron, s.next_fire_at, s.quota_subject, s.over_budget_since, s.expected_state,
                       s.alert_webhook, k.cost_per_hour AS key_budget, k.revoked_at IS NOT NULL AS key_revoked
                  FROM schedules s
                  LEFT JOIN api_keys k ON ? || k.id::text = s.quota_subject
                 WHERE NOT s.paused AND s.next_fire_at <= ?
                 ORDER BY s.next_fire_at
                 LIMIT ?
                   FOR NO KEY UPDATE OF s SKIP LOCKED
                """)) {
            select.setString(1, Caller.KEY_SUBJECT_PREFIX);
            select.setObject(2, bind(now));
            select.setInt(3, batchSize);
            List<DueSchedule> due = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Array regions = rows.getArray("regions");
                    long everyMs = rows.getLong("every_ms");
                    Long every = rows.wasNull() ? null : everyMs;
                    int regionLimit = rows.getInt("region_limit");
                    Integer limit = rows.wasNull() ? null : regionLimit;
                    int keyBudget = rows.getInt("key_budget");
                    String subject = rows.getString("quota_subject");
                    int budget = subject.startsWith(Caller.ANONYMOUS_SUBJECT_PREFIX) ? anonymousBudgetPerHour
                            : rows.wasNull() ? defaultBudgetPerHour : keyBudget;
                    OffsetDateTime overBudgetSince = rows.getObject("over_budget_since", OffsetDateTime.class);
                    due.add(new DueSchedule(rows.getObject("id", UUID.class), rows.getString("owner"), rows.getString("target"),
                            rows.getString("ports"),
                            regions == null ? null : Arrays.asList((String[]) regions.getArray()), limit,
                            rows.getInt("timeout_ms"), IpFamily.valueOf(rows.getString("ip_family")), every,
                            rows.getString("cron"), rows.getObject("next_fire_at", OffsetDateTime.class)
                                    .toInstant(), subject, budget, rows.getBoolean("key_revoked"),
                            overBudgetSince == null ? null : overBudgetSince.toInstant(),
                            PortState.valueOf(rows.getString("expected_state")), rows.getString("alert_webhook")));
                }
            }
            return due;
        }
    }

    private Run prepare(DueSchedule schedule, Supplier<List<String>> liveRegions, Instant now) {
        if (schedule.keyRevoked()) {
            String reason = "skipped: the key this schedule is charged to was revoked; change the schedule with a key"
                    + " of its owner's to charge it to that one";
            LOG.infof("Schedule %s run for %s %s", schedule.id(), schedule.fireTime(), reason);
            return new Run(schedule, null, reason, schedule.overBudgetSince() != null ? schedule.overBudgetSince()
                    : now);
        }
        try {
            List<String> regions = validator.resolve(
                    new CheckValidator.RegionChoice(schedule.regions(), schedule.regionLimit()), liveRegions);
            CheckSpec spec = new CheckSpec(TargetHost.parse(schedule.target()), PortSet.parse(schedule.ports()),
                    regions, Duration.ofMillis(schedule.timeoutMs()), schedule.ipFamily());
            return new Run(schedule, new CheckService.Submission(spec, schedule.owner(), schedule.id()), null,
                    schedule.overBudgetSince());
        } catch (InvalidCheckException e) {
            // Nothing to probe from right now (no live region): the run is recorded with the reason.
            LOG.infof("Schedule %s run for %s not submitted: %s", schedule.id(), schedule.fireTime(), e.getMessage());
            return new Run(schedule, null, e.getMessage(), schedule.overBudgetSince());
        }
    }

    // Timestamps travel in arrays as ISO-8601 text (Instant.toString), which PostgreSQL casts to timestamptz.

    /** Inserts the firing rows; returns the schedules whose firing was new (all of them, unless raced). */
    private static Set<UUID> recordFirings(Connection connection, List<Run> runs, Instant now) throws SQLException {
        UUID[] ids = new UUID[runs.size()];
        String[] fireTimes = new String[runs.size()];
        String[] outcomes = new String[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            ids[i] = runs.get(i).schedule().id();
            fireTimes[i] = runs.get(i).schedule().fireTime().toString();
            outcomes[i] = runs.get(i).outcome();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO schedule_firings (schedule_id, fire_time, fired_at, fired_by, outcome)
                SELECT run.id, run.fire_time, ?, ?, run.outcome
                  FROM unnest(?::uuid[], ?::timestamptz[], ?::text[]) AS run (id, fire_time, outcome)
                ON CONFLICT DO NOTHING
                RETURNING schedule_id
                """)) {
            insert.setObject(1, bind(now));
            insert.setString(2, INSTANCE);
            insert.setArray(3, connection.createArrayOf("uuid", ids));
            insert.setArray(4, connection.createArrayOf("timestamptz", fireTimes));
            insert.setArray(5, connection.createArrayOf("text", outcomes));
            Set<UUID> recorded = new HashSet<>();
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    recorded.add(rows.getObject(1, UUID.class));
                }
            }
            return recorded;
        }
    }

    /**
     * Gives each firing row what became of its run, in one statement: the check submitted for it, or, for a run the
     * budget could not pay for, the reason. The other rows keep the outcome they were recorded with.
     */
    private static void settleFirings(Connection connection, List<Run> runs, List<Run> submitted,
                                      List<CheckService.CheckRecord> stored) throws SQLException {
        Map<UUID, UUID> checkBySchedule = new HashMap<>();
        for (int i = 0; i < submitted.size(); i++) {
            checkBySchedule.put(submitted.get(i).schedule().id(), stored.get(i).check().id());
        }
        List<Run> settled = runs.stream().filter(run -> checkBySchedule.containsKey(run.schedule().id())
                || run.outcome() != null && run.outcome().startsWith(OVER_BUDGET)).toList();
        if (settled.isEmpty()) {
            return;
        }
        UUID[] ids = new UUID[settled.size()];
        String[] fireTimes = new String[settled.size()];
        UUID[] checkIds = new UUID[settled.size()];
        String[] outcomes = new String[settled.size()];
        for (int i = 0; i < settled.size(); i++) {
            Run run = settled.get(i);
            ids[i] = run.schedule().id();
            fireTimes[i] = run.schedule().fireTime().toString();
            checkIds[i] = checkBySchedule.get(run.schedule().id());
            outcomes[i] = checkIds[i] == null ? run.outcome() : null;
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE schedule_firings f
                   SET check_id = coalesce(run.check_id, f.check_id), outcome = coalesce(run.outcome, f.outcome)
                  FROM unnest(?::uuid[], ?::timestamptz[], ?::uuid[], ?::text[])
                       AS run (id, fire_time, check_id, outcome)
                 WHERE f.schedule_id = run.id AND f.fire_time = run.fire_time
                """)) {
            update.setArray(1, connection.createArrayOf("uuid", ids));
            update.setArray(2, connection.createArrayOf("timestamptz", fireTimes));
            update.setArray(3, connection.createArrayOf("uuid", checkIds));
            update.setArray(4, connection.createArrayOf("text", outcomes));
            update.executeUpdate();
        }
    }

    /**
     * Moves every claimed schedule to its next due time, computed from the due time it fired for (no drift) and at
     * least {@code minInterval} after it, and keeps whether its runs are being skipped for want of budget.
     */
    private static void advance(Connection connection, List<Run> claimed, List<Run> charged, Instant now,
                                Duration minInterval) throws SQLException {
        Map<UUID, Run> chargedById = new HashMap<>();
        charged.forEach(run -> chargedById.put(run.schedule().id(), run));
        List<Run> runs = claimed.stream().map(run -> chargedById.getOrDefault(run.schedule().id(), run)).toList();
        UUID[] ids = new UUID[runs.size()];
        String[] fired = new String[runs.size()];
        String[] next = new String[runs.size()];
        Boolean[] finished = new Boolean[runs.size()];
        String[] overBudgetSince = new String[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            DueSchedule schedule = runs.get(i).schedule();
            Instant over = runs.get(i).overBudgetSince();
            overBudgetSince[i] = over == null ? null : over.toString();
            Instant fireTime = schedule.fireTime();
            // Never sooner than min-interval after this run: a cron expression may have due times closer together
            // than the ones its validation looked at (two at a year's turn, say); those are skipped.
            Instant notBefore = fireTime.plus(minInterval).minusMillis(1);
            Instant nextDue = schedule.cadence().nextDue(fireTime, now.isAfter(notBefore) ? now : notBefore);
            ids[i] = schedule.id();
            fired[i] = fireTime.toString();
            finished[i] = nextDue == Instant.MAX;
            if (finished[i]) {
                next[i] = fireTime.toString();
                LOG.infof("Schedule %s has no further time to run at (cron '%s'); paused", schedule.id(),
                        schedule.cron());
                continue;
            }
            next[i] = nextDue.truncatedTo(ChronoUnit.MICROS).toString();
            long skipped = schedule.everyMs() == null ? 0
                    : Duration.between(fireTime, nextDue).toMillis() / schedule.everyMs() - 1;
            if (skipped > 0) {
                LOG.infof("Schedule %s fired %s late; %d missed run(s) skipped", schedule.id(),
                        Duration.between(fireTime, now), skipped);
            }
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE schedules s
                   SET next_fire_at = run.next_fire_at, last_fired_at = run.fired, paused = s.paused OR run.finished,
                       over_budget_since = run.over_budget_since
                  FROM unnest(?::uuid[], ?::timestamptz[], ?::timestamptz[], ?::boolean[], ?::timestamptz[])
                       AS run (id, fired, next_fire_at, finished, over_budget_since)
                 WHERE s.id = run.id
                """)) {
            update.setArray(1, connection.createArrayOf("uuid", ids));
            update.setArray(2, connection.createArrayOf("timestamptz", fired));
            update.setArray(3, connection.createArrayOf("timestamptz", next));
            update.setArray(4, connection.createArrayOf("boolean", finished));
            update.setArray(5, connection.createArrayOf("timestamptz", overBudgetSince));
            update.executeUpdate();
        }
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
