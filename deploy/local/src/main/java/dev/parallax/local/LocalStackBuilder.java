package dev.parallax.local;

import dev.parallax.local.vantage.VantageNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Configures a {@link LocalStack}; every setting has a default. */
public final class LocalStackBuilder {

    private static final int MAX_AGENTS_PER_REGION = 8;
    private static final int MAX_COORDINATORS = 4;
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    // Read by the LocalStack this builds.
    Path repoRoot;
    Path workDir;
    List<String> regions = LocalStack.DEFAULT_REGIONS;
    int coordinatorPort;
    int managementPort;
    int kafkaPort;
    int postgresPort;
    String allowTargets = LocalStack.DEFAULT_ALLOW_TARGETS;
    Map<String, String> coordinatorProperties = Map.of();
    Map<String, String> agentProperties = Map.of();
    List<String> coordinatorJvmOptions = LocalStack.COORDINATOR_JVM_OPTIONS;
    List<String> agentJvmOptions = LocalStack.AGENT_JVM_OPTIONS;
    Consumer<String> progress = line -> System.err.println("[parallax-local] " + line);
    Map<String, String> environment = System.getenv();
    final Map<String, Integer> agentCounts = new LinkedHashMap<>();
    boolean vantageNamespaces;
    int coordinatorCount = 1;

    LocalStackBuilder() {
    }

    /**
     * The repository whose built artifacts are run. Default: the system property {@code parallax.repo.root},
     * else the first directory holding {@code deploy/kafka-broker/pom.xml} above this library's jar or above
     * the current directory.
     */
    public LocalStackBuilder repoRoot(Path repoRoot) {
        this.repoRoot = repoRoot;
        return this;
    }

    /** Holds pgdata/, kafka/, logs/ and run/, reused across runs. Default: a new temporary directory. */
    public LocalStackBuilder workDir(Path workDir) {
        this.workDir = workDir;
        return this;
    }

    /** One agent per region. Default: eu-west, us-east, ap-south. */
    public LocalStackBuilder regions(List<String> regions) {
        this.regions = List.copyOf(regions);
        return this;
    }

    /** How many agents the region runs (they share its jobs); default 1. */
    public LocalStackBuilder agents(String region, int count) {
        if (count < 1 || count > MAX_AGENTS_PER_REGION) {
            throw new IllegalArgumentException("1 to " + MAX_AGENTS_PER_REGION + " agents per region, not "
                    + count);
        }
        agentCounts.put(region, count);
        return this;
    }

    /**
     * Runs each region's agents in a network namespace of their own, with a target namespace they all probe
     * and a different firewall per region (see {@link VantageNetwork}), so that a check shows regions
     * that disagree. Needs Linux, root, {@code ip} and {@code nft}. Default: off, agents on the host.
     */
    public LocalStackBuilder vantageNamespaces(boolean enabled) {
        this.vantageNamespaces = enabled;
        return this;
    }

    /**
     * How many coordinators run on the same PostgreSQL and broker (default 1); the first gets the API port,
     * the others free ports ({@link LocalStack#coordinator(int)}).
     */
    public LocalStackBuilder coordinators(int count) {
        if (count < 1 || count > MAX_COORDINATORS) {
            throw new IllegalArgumentException("1 to " + MAX_COORDINATORS + " coordinators, not " + count);
        }
        this.coordinatorCount = count;
        return this;
    }

    /** The API port; 0 (the default) picks a free one. */
    public LocalStackBuilder coordinatorPort(int port) {
        this.coordinatorPort = port;
        return this;
    }

    /** The first coordinator's management port (health and metrics); 0 (the default) picks a free one. */
    public LocalStackBuilder managementPort(int port) {
        this.managementPort = port;
        return this;
    }

    /** The broker's client port; 0 (the default) picks a free one. */
    public LocalStackBuilder kafkaPort(int port) {
        this.kafkaPort = port;
        return this;
    }

    /** The embedded PostgreSQL port; 0 (the default) picks a free one. */
    public LocalStackBuilder postgresPort(int port) {
        this.postgresPort = port;
        return this;
    }

    /** CIDRs the coordinator and agents may probe despite the blocked ranges. Default: loopback. */
    public LocalStackBuilder allowTargets(String allowTargets) {
        this.allowTargets = Objects.requireNonNull(allowTargets);
        return this;
    }

    /** Extra or overriding system properties for the coordinator (not {@code quarkus.http.port}). */
    public LocalStackBuilder coordinatorProperties(Map<String, String> properties) {
        this.coordinatorProperties = Map.copyOf(properties);
        return this;
    }

    /** The coordinators' JVM options, instead of {@link LocalStack#COORDINATOR_JVM_OPTIONS}. */
    public LocalStackBuilder coordinatorJvmOptions(List<String> options) {
        this.coordinatorJvmOptions = List.copyOf(options);
        return this;
    }

    /** The agents' JVM options, instead of {@link LocalStack#AGENT_JVM_OPTIONS}. */
    public LocalStackBuilder agentJvmOptions(List<String> options) {
        this.agentJvmOptions = List.copyOf(options);
        return this;
    }

    /** Extra or overriding system properties for every agent (not {@code quarkus.http.port}). */
    public LocalStackBuilder agentProperties(Map<String, String> properties) {
        this.agentProperties = Map.copyOf(properties);
        return this;
    }

    /** Receives one line per startup step. Default: stderr with a {@code [parallax-local]} prefix. */
    public LocalStackBuilder progress(Consumer<String> progress) {
        this.progress = Objects.requireNonNull(progress);
        return this;
    }

    /** Where {@code PARALLAX_JDBC_URL} and friends are read. Default: the process environment. */
    public LocalStackBuilder environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** Validates the settings; nothing is started until {@link LocalStack#start()}. */
    public LocalStack build() {
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("at least one region is needed");
        }
        if (new LinkedHashSet<>(regions).size() != regions.size()) {
            throw new IllegalArgumentException("duplicate region in " + regions);
        }
        for (String region : regions) {
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("bad region name '" + region
                        + "': use letters, digits, '.', '_' or '-' (it becomes part of a Kafka topic name)");
            }
        }
        for (String region : agentCounts.keySet()) {
            if (!regions.contains(region)) {
                throw new IllegalArgumentException("agents(" + region + ", ...) names a region not in " + regions);
            }
        }
        if (vantageNamespaces && regions.size() > 36) {
            throw new IllegalArgumentException("at most 36 regions with vantage namespaces");
        }
        for (int port : List.of(coordinatorPort, managementPort, kafkaPort, postgresPort)) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
        if (repoRoot == null) {
            repoRoot = findRepoRoot().orElseThrow(() -> new IllegalStateException(
                    "cannot find the Parallax repository: set repoRoot(...) or -Dparallax.repo.root"));
        }
        repoRoot = repoRoot.toAbsolutePath().normalize();
        try {
            workDir = workDir == null ? Files.createTempDirectory("parallax-local-")
                    : Files.createDirectories(workDir.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory", e);
        }
        return new LocalStack(this);
    }

    private static Optional<Path> findRepoRoot() {
        String property = System.getProperty("parallax.repo.root");
        if (property != null && !property.isBlank()) {
            return Optional.of(Path.of(property));
        }
        List<Path> starts = new ArrayList<>();
        try {
            var source = LocalStack.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                starts.add(Path.of(source.getLocation().toURI()));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // Not loaded from a file (unusual class loader): the current directory is still tried.
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("deploy/kafka-broker/pom.xml"))) {
                    return Optional.of(dir);
                }
            }
        }
        return Optional.empty();
    }
}
