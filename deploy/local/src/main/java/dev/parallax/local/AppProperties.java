package dev.parallax.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The system properties the stack gives its coordinators and agents: where the other components are, and what a
 * stack on one machine for one user allows; then the caller's own, which win.
 */
final class AppProperties {

    private final List<String> regions;
    private final String allowTargets;
    private final Map<String, String> coordinatorOverrides;
    private final Map<String, String> agentOverrides;

    /**
     * @param allowTargets what the coordinators and agents may probe despite the blocked ranges, already with the
     *                     vantage target's address when there is one
     */
    AppProperties(List<String> regions, String allowTargets, Map<String, String> coordinatorOverrides,
                  Map<String, String> agentOverrides) {
        this.regions = regions;
        this.allowTargets = allowTargets;
        this.coordinatorOverrides = coordinatorOverrides;
        this.agentOverrides = agentOverrides;
    }

    Map<String, String> coordinator(int port, int managementPort, PostgresServer postgres, KafkaBroker broker) {
        Map<String, String> p = new LinkedHashMap<>();
        // Loopback only: with loopback targets allowed, an API reachable from the network would let anyone
        // there probe this machine's own ports.
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.http.port", Integer.toString(port));
        p.put("quarkus.management.host", "127.0.0.1");
        p.put("quarkus.management.port", Integer.toString(managementPort));
        // Only its own loopback names: a web page that points a name of its own at 127.0.0.1 (DNS rebinding)
        // reaches nothing, and other pages are refused by their Origin.
        p.put("parallax.api.allowed-hosts", "localhost,127.0.0.1,::1");
        p.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        p.put("quarkus.datasource.username", postgres.username());
        p.put("quarkus.datasource.password", postgres.password());
        p.put("kafka.bootstrap.servers", broker.bootstrapServers());
        p.put("parallax.regions.known", String.join(",", regions));
        p.put("parallax.targets.allow", allowTargets);
        // One user on loopback: callers without a key are served, with limits a single user never reaches. For
        // key management, start the stack with PARALLAX_AUTH_ADMIN_KEY set (the processes inherit it).
        p.put("parallax.auth.anonymous.enabled", "true");
        p.put("parallax.auth.anonymous.cost-per-hour", "100000000");
        p.put("parallax.auth.anonymous.requests-per-second", "100000");
        p.putAll(coordinatorOverrides);
        return p;
    }

    /** An agent's; it reaches the broker at {@code kafkaBootstrap}, which is not loopback from a namespace. */
    Map<String, String> agent(String region, String agentId, String host, int port, String kafkaBootstrap) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.host", host);
        p.put("quarkus.http.port", Integer.toString(port));
        p.put("kafka.bootstrap.servers", kafkaBootstrap);
        p.put("parallax.agent.region", region);
        p.put("parallax.agent.id", agentId);
        p.put("parallax.targets.allow", allowTargets);
        p.putAll(agentOverrides);
        return p;
    }
}
