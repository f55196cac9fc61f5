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
            Check check = new Check();
            check.id = UUID.randomUUID();
            check.target = spec.target().name();
            check.ports = spec.ports().toString();
            check.portCount = spec.ports().size();
            check.timeoutMs = Math.toIntExact(spec.timeout().toMillis());
            check.ipFamily = spec.ipFamily();
            check.status = CheckStatus.PENDING;
            check.createdAt = now;
            check.deadline = now.plus(probingTime(spec)).plus(config.deadlineGrace());
            check.scheduleId = submission.scheduleId();
            check.owner = submission.owner();

            List<RegionResult> regions = new ArrayList<>();
            for (String region : spec.regions()) {
                if (liveness.get(region) == AgentRegistry.Liveness.OFFLINE) {
                    // The registry is sure: this region's agents have all gone quiet. Say so now rather than
                    // make the caller wait for the deadline, and queue no job that nobody would take.
                    regions.add(RegionResult.unavailable(check.id, region, RegionResult.NO_LIVE_AGENT + ": no agent of "
                            + region + " has been heard from in the last " + registry.offlineAfter().toSeconds()
                            + " s", now));
                    regionsOffline.add(region);
                    continue;
                }
                regions.add(RegionResult.pending(check.id, region, now));
                ProbeJob job = new ProbeJob(check.id, region, check.target, spec.ports(), check.timeoutMs,
                        spec.ipFamily(), now, check.deadline);
                jobs.add(new Outbox.OutgoingMessage(check.id, Topics.jobs(region), check.id.toString(),
                        WireJson.write(job), check.deadline));
            }
            if (regions.stream().noneMatch(r -> r.status() == RegionStatus.PENDING)) {
                check.status = CheckStatus.COMPLETE;
                check.completedAt = now;
                completedAtOnce++;
            }
            checks.add(check);
            allRegions.addAll(regions);
            records.add(new CheckRecord(check, regions, List.of()));
            try (CheckLogContext logContext = CheckLogContext.of(check.id)) {
                if (submission.scheduleId() == null) {
                    LOG.infof("Check %s accepted: %s ports %s from %s", check.id, check.target, check.ports,
                            spec.regions());
                } else {
                    // A schedule's runs are in its history; at hundreds a second they would drown the log.
                    LOG.debugf("Check %s accepted for schedule %s: %s ports %s from %s", check.id,
                            submission.scheduleId(), check.target, check.ports, spec.regions());
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

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Instant> createdAt(UUID id, String owner) {
        return Check.<Check>find("id = ?1 and owner = ?2", id, owner).project(CreatedAt.class).firstResultOptional()
                .map(CreatedAt::createdAt);
    }

    /** Projection for {@link #createdAt(UUID)}. */
    public record CreatedAt(Instant createdAt) {
    }

    /**
     * Newest first. {@code before} is a keyset cursor: only checks created before it (or, for a check id,
     * before that check) are listed, so pages stay stable while new checks arrive.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public CheckPage recent(String owner, int limit, Instant beforeTime, UUID beforeId, boolean divergentOnly) {
        StringBuilder where = new StringBuilder(divergentOnly ? "owner = :owner and divergentPorts > 0"
                : "owner = :owner");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("owner", owner);
        if (beforeTime != null && beforeId == null) {
            where.append(" and createdAt < :before");
            params.put("before", beforeTime);
        } else if (beforeTime != null) {
            where.append(" and (createdAt < :before or (createdAt = :before and id < :beforeId))");
            params.put("before", beforeTime);
            params.put("beforeId", beforeId);
        }
        List<Check> rows = Check.<Check>find(where + " order by createdAt desc, id desc", params)
                .page(0, limit + 1).list();
        boolean more = rows.size() > limit;
        List<Check> page = more ? rows.subList(0, limit) : rows;
        Map<UUID, List<RegionResult>> regions = new LinkedHashMap<>();
        page.forEach(check -> regions.put(check.id, new ArrayList<>()));
        if (!page.isEmpty()) {
            regionResults.ofChecks(regions.keySet()).forEach(region -> regions.get(region.checkId()).add(region));
        }
        return new CheckPage(List.copyOf(page), regions, more);
    }
}
