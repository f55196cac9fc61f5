package dev.parallax.coordinator.check;

import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.AfterCommit;
import dev.parallax.coordinator.outbox.Outbox;
import dev.parallax.coordinator.result.CheckMetrics;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.result.RegionResults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** Accepts checks and reads them back. */
@ApplicationScoped
@Transactional
public class CheckService {

    private static final Logger LOG = Logger.getLogger(CheckService.class);

    /** A check with everything stored about it so far. */
    public record CheckRecord(Check check, List<RegionResult> regions, List<PortResult> ports) {
    }

    /** One page of recent checks, newest first, with their regions. */
    public record CheckPage(List<Check> checks, Map<UUID, List<RegionResult>> regions, boolean more) {
    }

    private final Outbox outbox;
    private final CheckRows rows;
    private final AgentRegistry registry;
    private final ParallaxConfig.Checks config;
    private final CheckMetrics metrics;
    private final AfterCommit afterCommit;
    private final RegionResults regionResults;

    public CheckService(Outbox outbox, CheckRows rows, AgentRegistry registry, ParallaxConfig config,
                        CheckMetrics metrics, AfterCommit afterCommit, RegionResults regionResults) {
        this.regionResults = regionResults;
        this.metrics = metrics;
        this.afterCommit = afterCommit;
        this.outbox = outbox;
        this.rows = rows;
        this.registry = registry;
        this.config = config.checks();
    }

    /** A check to store: its spec, its owner, and the schedule it is a run of (null: submitted by a caller). */
    public record Submission(CheckSpec spec, String owner, UUID scheduleId) {
    }

    /**
     * Stores the check, one PENDING row per region and one outbox row per region in ONE transaction: when
     * this returns, the check is durable and its jobs will be published even if this process dies now.
     */
    public CheckRecord submit(CheckSpec spec, String owner) {
        return submitAll(List.of(new Submission(spec, owner, null))).getFirst();
    }

    /**
     * As {@link #submit(CheckSpec, String)} for several checks at once, written as JDBC batches (see {@link CheckRows});
     * the records come back in the order of {@code submissions}.
     */
    public List<CheckRecord> submitAll(List<Submission> submissions) {
        // Microseconds: what PostgreSQL keeps, so the instant we return equals the one we read back later.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<String, AgentRegistry.Liveness> liveness = registry.liveness(submissions.stream()
                .flatMap(submission -> submission.spec().regions().stream()).collect(Collectors.toSet()));
        List<Check> checks = new ArrayList<>(submissions.size());
        List<RegionResult> allRegions = new ArrayList<>();
        List<Outbox.OutgoingMessage> jobs = new ArrayList<>();
        List<CheckRecord> records = new ArrayList<>(submissions.size());
        List<String> regionsOffline = new ArrayList<>();
        int completedAtOnce = 0;
        for (Submission submission : submissions) {
            CheckSpec spec = submission.spec();
            UUID id = UUID.randomUUID();
            String target = spec.target().name();
            int timeoutMs = Math.toIntExact(spec.timeout().toMillis());
            Instant deadline = now.plus(probingTime(spec)).plus(config.deadlineGrace());

            List<RegionResult> regions = new ArrayList<>();
            for (String region : spec.regions()) {
                if (liveness.get(region) == AgentRegistry.Liveness.OFFLINE) {
                    // The registry is sure: this region's agents have all gone quiet. Say so now rather than
                    // make the caller wait for the deadline, and queue no job that nobody would take.
                    regions.add(RegionResult.unavailable(id, region, RegionResult.NO_LIVE_AGENT + ": no agent of "
                            + region + " has been heard from in the last " + registry.offlineAfter().toSeconds()
                            + " s", now));
                    regionsOffline.add(region);
                    continue;
                }
                regions.add(RegionResult.pending(id, region, now));
                ProbeJob job = new ProbeJob(id, region, target, spec.ports(), timeoutMs, spec.ipFamily(), now,
                        deadline);
                jobs.add(new Outbox.OutgoingMessage(id, Topics.jobs(region), id.toString(), WireJson.write(job),
                        deadline));
            }
            boolean endedAtOnce = regions.stream().noneMatch(r -> r.status() == RegionStatus.PENDING);
            if (endedAtOnce) {
                completedAtOnce++;
            }
            Check check = new Check(id, target, spec.ports().toString(), spec.ports().size(), timeoutMs,
                    spec.ipFamily(), endedAtOnce ? CheckStatus.COMPLETE : CheckStatus.PENDING, now, deadline,
                    endedAtOnce ? now : null, submission.scheduleId(), null, submission.owner(), 0);
            checks.add(check);
            allRegions.addAll(regions);
            records.add(new CheckRecord(check, regions, List.of()));
            try (CheckLogContext logContext = CheckLogContext.of(id)) {
                if (submission.scheduleId() == null) {
                    LOG.infof("Check %s accepted: %s ports %s from %s", id, target, check.ports(), spec.regions());
                } else {
                    // A schedule's runs are in its history; at hundreds a second they would drown the log.
                    LOG.debugf("Check %s accepted for schedule %s: %s ports %s from %s", id, submission.scheduleId(),
                            target, check.ports(), spec.regions());
                }
            }
        }
        if (!checks.isEmpty()) {
            rows.insert(checks, allRegions);
            outbox.append(jobs, now);
            int scheduled = (int) submissions.stream().filter(submission -> submission.scheduleId() != null).count();
            int fromApi = submissions.size() - scheduled;
            int completed = completedAtOnce;
            afterCommit.run(() -> {
                metrics.accepted(true, scheduled);
                metrics.accepted(false, fromApi);
                regionsOffline.forEach(region -> metrics.regionEnded(region, RegionStatus.UNAVAILABLE));
                for (int i = 0; i < completed; i++) {
                    metrics.completed(CheckMetrics.Outcome.PARTIAL, Duration.ZERO);
                }
            });
        }
        return records;
    }

    /**
     * The check with everything stored about it so far, read in one statement ({@link CheckRows#find}); empty when
     * there is no such check of this owner. SUPPORTS, not a transaction of its own: one statement is already one
     * consistent snapshot, and BEGIN and COMMIT around it were a round trip more on every read of an event stream.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<CheckRecord> find(UUID id, String owner) {
        return rows.find(id, owner);
    }

    /** Worst case for one address: every port silent, probed in waves of the agent's parallelism. */
    private Duration probingTime(CheckSpec spec) {
        int waves = (spec.ports().size() + config.agentParallelism() - 1) / config.agentParallelism();
        return spec.timeout().multipliedBy(waves);
    }

    /** When the owner's check was created; empty when there is no such check of this owner. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Instant> createdAt(UUID id, String owner) {
        return rows.createdAt(id, owner);
    }

    /**
     * Newest first. {@code before} is a keyset cursor: only checks created before it (or, for a check id,
     * before that check) are listed, so pages stay stable while new checks arrive.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public CheckPage recent(String owner, int limit, Instant beforeTime, UUID beforeId, boolean divergentOnly) {
        List<Check> found = rows.recent(owner, limit + 1, beforeTime, beforeId, divergentOnly);
        boolean more = found.size() > limit;
        List<Check> page = more ? found.subList(0, limit) : found;
        Map<UUID, List<RegionResult>> regions = new LinkedHashMap<>();
        page.forEach(check -> regions.put(check.id(), new ArrayList<>()));
        regionResults.ofChecks(regions.keySet()).forEach(region -> regions.get(region.checkId()).add(region));
        return new CheckPage(List.copyOf(page), regions, more);
    }
}
