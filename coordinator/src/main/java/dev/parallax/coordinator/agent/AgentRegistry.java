package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.Heartbeat;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;
import static dev.parallax.coordinator.database.SqlTimestamps.instant;

/**
 * Which agents exist, where, and whether they are alive: kept from their heartbeats, in the {@code agents} table.
 * The table is reached through SQL only, here: a heartbeat is an upsert that a redelivered or reordered one leaves
 * as it was ({@code ON CONFLICT ... WHERE}), and liveness is one grouped query (see {@link #liveness(Collection)}).
 * Plain JDBC over the DataSource, which inside a transaction hands out that transaction's connection.
 */
@ApplicationScoped
@Transactional
public class AgentRegistry {

    /** One region: its agents, how many are live, when one was last heard from. */
    public record Region(String name, List<RegisteredAgent> agents, int liveAgents, Instant lastSeen) {
    }

    private final DataSource dataSource;
    private final ParallaxConfig.Agents config;
    private final List<String> configuredRegions;
    private final Clock clock = Clock.systemUTC();

    public AgentRegistry(DataSource dataSource, ParallaxConfig config) {
        this.dataSource = dataSource;
        this.config = config.agents();
        this.configuredRegions = config.regions().known();
    }

    /**
     * Records a heartbeat. Idempotent and order-proof: a heartbeat older than the one stored (a redelivery,
     * or a reordering) changes nothing.
     */
    public void record(Heartbeat heartbeat) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("""
                     INSERT INTO agents (agent_id, region, version, probe_capacity, started_at, sent_at, last_seen,
                                         egress_addresses)
                     VALUES (?, ?, ?, ?, ?, ?, now(), ?)
                     ON CONFLICT (agent_id) DO UPDATE
                        SET region = EXCLUDED.region, version = EXCLUDED.version,
                            probe_capacity = EXCLUDED.probe_capacity, started_at = EXCLUDED.started_at,
                            sent_at = EXCLUDED.sent_at, last_seen = EXCLUDED.last_seen,
                            egress_addresses = EXCLUDED.egress_addresses
                      WHERE agents.sent_at < EXCLUDED.sent_at
                     """)) {
            upsert.setString(1, heartbeat.agentId());
            upsert.setString(2, heartbeat.region());
            upsert.setString(3, heartbeat.version());
            upsert.setInt(4, heartbeat.probeCapacity());
            upsert.setObject(5, bind(heartbeat.startedAt()));
            upsert.setObject(6, bind(heartbeat.sentAt()));
            upsert.setArray(7, connection.createArrayOf("text", heartbeat.egressAddresses().toArray()));
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("recording the heartbeat of agent " + heartbeat.agentId() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Every agent that ever reported, by region and id. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<RegisteredAgent> agents() {
        return Jdbc.query(dataSource, "reading the agents", """
                SELECT agent_id, region, version, probe_capacity, started_at, sent_at, last_seen, egress_addresses
                  FROM agents
                 ORDER BY region, agent_id
                """, AgentRegistry::agent);
    }

    private static RegisteredAgent agent(ResultSet row) throws SQLException {
        Array addresses = row.getArray("egress_addresses");
        RegisteredAgent agent = new RegisteredAgent(row.getString("agent_id"), row.getString("region"),
                row.getString("version"), row.getInt("probe_capacity"), instant(row, "started_at"),
                instant(row, "sent_at"), instant(row, "last_seen"), Arrays.asList((String[]) addresses.getArray()));
        addresses.free();
        return agent;
    }

    /** An agent is live when it was heard from within {@code parallax.agents.offline-after}. */
    public boolean isLive(RegisteredAgent agent) {
        return agent.lastSeen().isAfter(clock.instant().minus(config.offlineAfter()));
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
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT region, max(last_seen) AS last_seen FROM agents
                      WHERE region = ANY (?)
                      GROUP BY region
                     """)) {
            select.setArray(1, connection.createArrayOf("text", regions.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    liveness.put(rows.getString("region"), instant(rows, "last_seen").isAfter(liveSince)
                            ? Liveness.LIVE : Liveness.OFFLINE);
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading the liveness of " + regions + " failed: " + e.getMessage(), e);
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
            byRegion.computeIfAbsent(agent.region(), r -> new ArrayList<>()).add(agent);
        }
        List<Region> regions = new ArrayList<>();
        byRegion.forEach((name, agents) -> regions.add(new Region(name, agents,
                (int) agents.stream().filter(this::isLive).count(),
                agents.stream().map(RegisteredAgent::lastSeen).max(Instant::compareTo).orElse(null))));
        return regions;
    }
}
