package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.Heartbeat;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.PgArrays;
import dev.parallax.coordinator.database.SqlTimestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Which agents exist, where, and whether they are alive: kept from their heartbeats. */
@ApplicationScoped
@Transactional
public class AgentRegistry {

    /** One region: its agents, how many are live, when one was last heard from. */
    public record Region(String name, List<RegisteredAgent> agents, int liveAgents, Instant lastSeen) {
    }

    private final EntityManager em;
    private final ParallaxConfig.Agents config;
    private final List<String> configuredRegions;
    private final Clock clock = Clock.systemUTC();

    public AgentRegistry(EntityManager em, ParallaxConfig config) {
        this.em = em;
        this.config = config.agents();
        this.configuredRegions = config.regions().known();
    }

    /**
     * Records a heartbeat. Idempotent and order-proof: a heartbeat older than the one stored (a redelivery,
     * or a reordering) changes nothing.
     */
    public void record(Heartbeat heartbeat) {
        em.createNativeQuery("""
                        INSERT INTO agents (agent_id, region, version, probe_capacity, started_at, sent_at, last_seen,
                                            egress_addresses)
                        VALUES (:agentId, :region, :version, :capacity, :startedAt, :sentAt, now(),
                                CAST(:addresses AS text[]))
                        ON CONFLICT (agent_id) DO UPDATE
                           SET region = EXCLUDED.region, version = EXCLUDED.version,
                               probe_capacity = EXCLUDED.probe_capacity, started_at = EXCLUDED.started_at,
                               sent_at = EXCLUDED.sent_at, last_seen = EXCLUDED.last_seen,
                               egress_addresses = EXCLUDED.egress_addresses
                         WHERE agents.sent_at < EXCLUDED.sent_at
                        """)
                .setParameter("agentId", heartbeat.agentId())
                .setParameter("region", heartbeat.region())
                .setParameter("version", heartbeat.version())
                .setParameter("capacity", heartbeat.probeCapacity())
                .setParameter("startedAt", heartbeat.startedAt())
                .setParameter("sentAt", heartbeat.sentAt())
                .setParameter("addresses", PgArrays.textArray(heartbeat.egressAddresses()))
                .executeUpdate();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<RegisteredAgent> agents() {
        return RegisteredAgent.list("order by region, agentId");
    }

    /** An agent is live when it was heard from within {@code parallax.agents.offline-after}. */
    public boolean isLive(RegisteredAgent agent) {
        return agent.lastSeen.isAfter(clock.instant().minus(config.offlineAfter()));
    }

    /** Whether a region can answer now, as far as the registry knows. */
    public enum Liveness {
        /** At least one agent heard from recently. */
        LIVE,
        /** Agents are registered, but none heard from recently: a job there would wait in vain. */
        OFFLINE,
        /** No agent ever reported from this region (it may be starting): its job waits for the deadline. */
        UNKNOWN
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Liveness liveness(String region) {
        return liveness(List.of(region)).get(region);
    }

    /**
     * The liveness of each of these regions, in one small query: every accepted check asks, and loading the
     * regions' agents as entities, one query per region, was a third of the coordinator's CPU under load.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, Liveness> liveness(Collection<String> regions) {
        Map<String, Liveness> liveness = new HashMap<>();
        regions.forEach(region -> liveness.put(region, Liveness.UNKNOWN));
        if (regions.isEmpty()) {
            return liveness;
        }
        Instant liveSince = clock.instant().minus(config.offlineAfter());
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT region, max(last_seen) FROM agents
                         WHERE region = ANY (CAST(:regions AS text[]))
                         GROUP BY region
                        """)
                .setParameter("regions", PgArrays.textArray(List.copyOf(regions)))
                .getResultList();
        for (Object[] row : rows) {
            Instant lastSeen = SqlTimestamps.instant(row[1]);
            liveness.put((String) row[0], lastSeen.isAfter(liveSince) ? Liveness.LIVE : Liveness.OFFLINE);
        }
        return liveness;
    }

    public Duration offlineAfter() {
        return config.offlineAfter();
    }

    /** Every region that has agents or is configured, with its live agents. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Region> regions() {
        Map<String, List<RegisteredAgent>> byRegion = new TreeMap<>();
        configuredRegions.forEach(region -> byRegion.put(region, new ArrayList<>()));
        for (RegisteredAgent agent : agents()) {
            byRegion.computeIfAbsent(agent.region, r -> new ArrayList<>()).add(agent);
        }
        List<Region> regions = new ArrayList<>();
        byRegion.forEach((name, agents) -> regions.add(new Region(name, agents,
                (int) agents.stream().filter(this::isLive).count(),
                agents.stream().map(a -> a.lastSeen).max(Instant::compareTo).orElse(null))));
        return regions;
    }
}
