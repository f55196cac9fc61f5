package dev.parallax.coordinator.alert;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.PortResults;
import dev.parallax.coordinator.result.RegionComparison;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.result.RegionResults;
import dev.parallax.coordinator.schedule.Schedule;
import dev.parallax.coordinator.schedule.ScheduleEventLog;
import dev.parallax.coordinator.schedule.ScheduleEventLog.Event;
import dev.parallax.coordinator.schedule.ScheduleRows;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns each completed run of a schedule into state changes, and state changes into events (and webhook
 * deliveries). Three debounced states ({@link WatchState}) are kept per schedule:
 * <ul>
 *   <li>{@code port:<port>@<region>}: up or down, as the run saw the port from that region (up = every address
 *       in the expected state; ERROR and regions without an answer say nothing). Confirmed after
 *       {@code consecutive} runs in a row; an event when it goes down, and when it comes back up.</li>
 *   <li>{@code quorum:<port>}: firing while at least {@code quorum} regions hold the port down.</li>
 *   <li>{@code divergence:<port>}: divergent while regions disagree about the port's state, confirmed after
 *       {@code consecutive} runs in a row; an event when regions start, and when they stop, disagreeing.</li>
 * </ul>
 *
 * <p>MUST evaluate a schedule's runs one at a time and in the order they were created: the claim below takes
 * only the oldest unevaluated run of each schedule, and only once it is COMPLETE, with {@code FOR UPDATE SKIP
 * LOCKED}; the next run becomes eligible when this transaction commits. So several coordinators can run this,
 * and a state is never advanced by two runs at once or out of order. The schedule is share-locked first (KEY
 * SHARE, skipped when taken): a schedule being deleted (FOR UPDATE, then SET NULL on its checks) is passed over
 * instead of deadlocking with this transaction's inserts that reference it.
 */
@ApplicationScoped
public class RunEvaluator {

    static final String UP = "up";
    static final String DOWN = "down";
    static final String FIRING = "firing";
    static final String OK = "ok";

    private final EntityManager em;
    private final ScheduleEventLog eventLog;
    private final ScheduleRows schedules;
    private final RegionResults regionResults;
    private final PortResults portResults;

    public RunEvaluator(EntityManager em, ScheduleEventLog eventLog, ScheduleRows schedules,
                        RegionResults regionResults, PortResults portResults) {
        this.em = em;
        this.schedules = schedules;
        this.eventLog = eventLog;
        this.regionResults = regionResults;
        this.portResults = portResults;
    }

    /** Evaluates at most {@code batchSize} completed runs; returns how many. */
    @Transactional
    public int evaluateBatch(int batchSize) {
        @SuppressWarnings("unchecked")
        List<Object[]> due = em.createNativeQuery("""
                        SELECT c.id, c.schedule_id FROM checks c JOIN schedules s ON s.id = c.schedule_id
                         WHERE c.evaluated_at IS NULL AND c.status = 'COMPLETE'
                           AND NOT EXISTS (SELECT 1 FROM checks e
                                            WHERE e.schedule_id = c.schedule_id AND e.evaluated_at IS NULL
                                              AND (e.created_at, e.id) < (c.created_at, c.id))
                         ORDER BY c.created_at
                         LIMIT :batch
                           FOR NO KEY UPDATE OF c SKIP LOCKED
                           FOR KEY SHARE OF s SKIP LOCKED""")
                .setParameter("batch", batchSize)
                .getResultList();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (Object[] row : due) {
            evaluate((UUID) row[0], (UUID) row[1], now);
        }
        return due.size();
    }

    private void evaluate(UUID checkId, UUID scheduleId, Instant now) {
        em.createNativeQuery("UPDATE checks SET evaluated_at = :now WHERE id = :id")
                .setParameter("now", now).setParameter("id", checkId).executeUpdate();
        Optional<Schedule> found = schedules.find(scheduleId);
        if (found.isEmpty()) {
            return;
        }
        Schedule schedule = found.get();
        List<RegionResult> regions = regionResults.ofChecks(List.of(checkId));
        List<PortResult> ports = portResults.ofChecks(List.of(checkId));
        Map<String, WatchState> states = loadStates(schedule.id());
        Map<String, WatchState> changedStates = new LinkedHashMap<>();
        List<Event> events = new ArrayList<>();

        // Per region and port: up or down.
        Map<String, Map<Integer, List<PortResult>>> byRegion = new TreeMap<>();
        for (PortResult port : ports) {
            if (port.state() != PortState.ERROR) {
                byRegion.computeIfAbsent(port.region(), r -> new TreeMap<>())
                        .computeIfAbsent(port.port(), p -> new ArrayList<>()).add(port);
            }
        }
        for (RegionResult region : regions) {
            if (region.status() != RegionStatus.DONE) {
                continue;
            }
            for (Map.Entry<Integer, List<PortResult>> entry : byRegion.getOrDefault(region.region(), Map.of())
                    .entrySet()) {
                int port = entry.getKey();
                boolean up = entry.getValue().stream().allMatch(p -> p.state() == schedule.expectedState());
                String subject = "port:" + port + "@" + region.region();
                WatchState.Step step = states.getOrDefault(subject, WatchState.initial())
                        .observe(up ? UP : DOWN, schedule.alertConsecutive());
                remember(states, changedStates, subject, step);
                if (step.changed() && (DOWN.equals(step.next().confirmed()) || DOWN.equals(step.from()))) {
                    events.add(portEvent(schedule, checkId, region.region(), port, up, entry.getValue()));
                }
            }
        }

        // Per port: does a quorum of regions hold it down?
        for (int port : byRegion.values().stream().flatMap(m -> m.keySet().stream())
                .collect(Collectors.toCollection(TreeSet::new))) {
            SortedSet<String> down = new TreeSet<>();
            states.forEach((subject, state) -> {
                if (subject.startsWith("port:" + port + "@") && DOWN.equals(state.confirmed())) {
                    down.add(subject.substring(subject.indexOf('@') + 1));
                }
            });
            String subject = "quorum:" + port;
            WatchState.Step step = states.getOrDefault(subject, WatchState.initial())
                    .observe(down.size() >= schedule.alertQuorum() ? FIRING : OK, 1);
            remember(states, changedStates, subject, step);
            if (step.changed() && (FIRING.equals(step.next().confirmed()) || FIRING.equals(step.from()))) {
                events.add(quorumEvent(schedule, checkId, port, down, FIRING.equals(step.next().confirmed())));
            }
        }

        // Per port: do the regions disagree?
        for (RegionComparison.PortComparison compared : RegionComparison.compare(regions, ports).ports()) {
            String subject = "divergence:" + compared.port();
            WatchState.Step step = states.getOrDefault(subject, WatchState.initial())
                    .observe(compared.verdict(), schedule.alertConsecutive());
            remember(states, changedStates, subject, step);
            boolean divergent = RegionComparison.DIVERGENT.equals(step.next().confirmed());
            if (step.changed() && (divergent || RegionComparison.DIVERGENT.equals(step.from()))) {
                events.add(divergenceEvent(schedule, checkId, compared, divergent));
            }
        }

        changedStates.forEach((subject, state) -> saveState(schedule.id(), subject, state, now));
        ScheduleEventLog.About about = ScheduleEventLog.About.of(schedule);
        for (Event event : events) {
            eventLog.record(about, event, now);
        }
    }

    /** Keeps the new state; marks it for saving only if it differs, as most runs change nothing. */
    private static void remember(Map<String, WatchState> states, Map<String, WatchState> changed, String subject,
                                 WatchState.Step step) {
        WatchState previous = states.put(subject, step.next());
        if (!step.next().equals(previous)) {
            changed.put(subject, step.next());
        }
    }

    private static Event portEvent(Schedule schedule, UUID checkId, String region, int port, boolean up,
                                   List<PortResult> seen) {
        String states = seen.stream().map(p -> p.state().name() + "/" + p.reason() + (seen.size() > 1 ? " on "
                + p.address() : "")).distinct().collect(Collectors.joining(", "));
        String summary = up
                ? port + " up again from " + region + ": " + states
                : port + " down from " + region + ": " + states + " in " + schedule.alertConsecutive()
                  + " run(s) in a row (expected " + schedule.expectedState().name() + ")";
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("seen", seen.stream().map(p -> Map.of("address", p.address(), "state", p.state().name(),
                "reason", p.reason(), "rttMicros", p.rttMicros())).toList());
        return new Event(up ? "port-up" : "port-down", port, region, checkId, summary, detail);
    }

    private static Event quorumEvent(Schedule schedule, UUID checkId, int port, SortedSet<String> down,
                                     boolean firing) {
        String summary = firing
                ? port + " down from " + down.size() + " region(s) (" + String.join(", ", down) + "): alert, quorum "
                  + schedule.alertQuorum()
                : port + " down from fewer than " + schedule.alertQuorum() + " region(s) now"
                  + (down.isEmpty() ? "" : " (" + String.join(", ", down) + ")") + ": resolved";
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("downFrom", List.copyOf(down));
        detail.put("quorum", schedule.alertQuorum());
        return new Event(firing ? "alert-firing" : "alert-resolved", port, null, checkId, summary, detail);
    }

    private static Event divergenceEvent(Schedule schedule, UUID checkId, RegionComparison.PortComparison compared,
                                         boolean divergent) {
        String states = compared.states().entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT) + " from " + String.join(", ", e.getValue()))
                .collect(Collectors.joining("; "));
        String summary = compared.port() + (divergent ? " seen differently: " : " seen alike again: ") + states;
        Map<String, Object> detail = new LinkedHashMap<>();
        Map<String, Object> byState = new LinkedHashMap<>();
        compared.states().forEach((state, names) -> byState.put(state.name(), List.copyOf(names)));
        detail.put("states", byState);
        return new Event(divergent ? "divergence-started" : "divergence-ended", compared.port(), null, checkId,
                summary, detail);
    }

    private Map<String, WatchState> loadStates(UUID scheduleId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "SELECT subject, confirmed, candidate, streak FROM watch_states WHERE schedule_id = :id")
                .setParameter("id", scheduleId)
                .getResultList();
        Map<String, WatchState> states = new TreeMap<>();
        for (Object[] row : rows) {
            states.put((String) row[0], new WatchState((String) row[1], (String) row[2],
                    ((Number) row[3]).intValue()));
        }
        return states;
    }

    private void saveState(UUID scheduleId, String subject, WatchState state, Instant now) {
        em.createNativeQuery("""
                        INSERT INTO watch_states (schedule_id, subject, confirmed, candidate, streak, updated_at)
                        VALUES (:id, :subject, :confirmed, :candidate, :streak, :now)
                        ON CONFLICT (schedule_id, subject) DO UPDATE
                           SET confirmed = EXCLUDED.confirmed, candidate = EXCLUDED.candidate,
                               streak = EXCLUDED.streak, updated_at = EXCLUDED.updated_at""")
                .setParameter("id", scheduleId)
                .setParameter("subject", subject)
                .setParameter("confirmed", state.confirmed())
                .setParameter("candidate", state.candidate())
                .setParameter("streak", state.streak())
                .setParameter("now", now)
                .executeUpdate();
    }
}
