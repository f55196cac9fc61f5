package dev.parallax.local;

import dev.parallax.local.vantage.VantageFirewall;
import dev.parallax.local.vantage.VantageNetwork;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The whole Parallax system as real local processes: embedded PostgreSQL (or the one named by
 * {@code PARALLAX_JDBC_URL}), a Kafka broker, the coordinator and one agent per region. Needs only a JDK ≥ 21 and
 * a built repository ({@code ./mvnw -q -B -DskipTests package}).
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().workDir(tempDir).build().start()) {
 *     URI checks = stack.apiBaseUri().resolve("/api/v1/checks");
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start()} cleans up after itself if a step fails, and {@link #close()} stops whatever is running in
 * reverse order (agents, coordinators, broker, PostgreSQL, namespaces) whether or not start finished. A JVM
 * shutdown hook, registered while the stack runs, does the same on Ctrl-C. The work directory holds
 * {@code pgdata/}, {@code kafka/}, {@code logs/} and {@code run/}: the launcher's lock, held while the stack runs so
 * that a second launcher on the same directory is refused, and pid files that let the next run end the processes
 * a launcher killed with SIGKILL left behind.
 *
 * <p>Each component is a handle of its own ({@link #postgres()}, {@link #broker()}, {@link #coordinator(int)},
 * {@link #agents(String)}, {@link #vantageNetwork()}): failure tests stop, kill and start one of them, and it comes
 * back, with its data, on the ports the others were configured with.
 */
public final class LocalStack implements AutoCloseable {

    public static final List<String> DEFAULT_REGIONS = List.of("eu-west", "us-east", "ap-south");
    /**
     * The coordinator's JVM options. An explicit small -Xms: the default initial heap is 1/64 of the machine's
     * memory, which the heap then fills before it ever collects. The serial collector: G1's own structures took
     * 39 MB. A 128 MB heap: with 192 MB the heap grew to its maximum under load, and the process to 510 MB. Chosen
     * with the system benchmark (docs/benchmarks.md, "System benchmark"). The native heap trimmed every 5 s: glibc
     * keeps what the JVM frees (start-up, JIT compilations, bursts) for reuse, 20-30 MB per process, until trimmed.
     */
    public static final List<String> COORDINATOR_JVM_OPTIONS = List.of("-Xms32m", "-Xmx128m", "-XX:+UseSerialGC",
            "-XX:TrimNativeHeapInterval=5000");
    /**
     * An agent's JVM options, for the same reasons, with a small young generation: an agent keeps little, and each
     * young-generation page it cycles through stays in its RSS.
     */
    public static final List<String> AGENT_JVM_OPTIONS = List.of("-Xms16m", "-Xmx64m", "-Xmn8m", "-XX:+UseSerialGC",
            "-XX:TrimNativeHeapInterval=5000");
    /** Loopback only: the local stack checks the machine's own ports, which the default policy blocks. */
    public static final String DEFAULT_ALLOW_TARGETS = "127.0.0.0/8,::1/128";
    /** With vantage namespaces: the ports the target namespace listens on. */
    public static final Set<Integer> VANTAGE_TARGET_PORTS = Set.of(80, 443);
    /** With vantage namespaces: the target ports behind each region's firewall (none, reset, drop, ...). */
    public static final Set<Integer> VANTAGE_GUARDED_PORTS = Set.of(443);

    private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);

    private final StackLayout layout;
    private final List<String> regions;
    private final Map<String, Integer> agentCounts;
    private final int coordinatorCount;
    private final boolean vantageNamespaces;
    private final int requestedCoordinatorPort;
    private final int requestedManagementPort;
    private final int requestedKafkaPort;
    private final int requestedPostgresPort;
    private final String allowTargets;
    private final Map<String, String> coordinatorOverrides;
    private final Map<String, String> agentOverrides;
    private final List<String> coordinatorJvmOptions;
    private final List<String> agentJvmOptions;
    private final Map<String, String> environment;
    private final Consumer<String> progress;

    private final ReentrantLock startLock = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CompletableFuture<ComponentExit> unexpectedExit = new CompletableFuture<>();
    private final Thread shutdownHook = new Thread(this::close, "parallax-local-shutdown");
    private final ComponentListener listener = new ComponentListener() {
        @Override
        public void progress(String line) {
            progress.accept(line);
        }

        @Override
        public void exitedUnexpectedly(String component, String detail, Path logFile) {
            if (!closing.get()) {
                unexpectedExit.complete(new ComponentExit(component, detail, logFile));
            }
        }
    };

    // Guarded by this: the components, each set once it exists (before it starts), so that close() finds it.
    private DirectoryLock workDirLock;
    private VantageNetwork network;
    private PostgresServer postgres;
    private KafkaBroker broker;
    // Coordinator n at index n - 1: the first gets the API port, the others share its database and broker.
    private final List<AppProcess> coordinators = new ArrayList<>();
    private final Map<String, RegionAgents> agents = new LinkedHashMap<>();

    LocalStack(LocalStackBuilder b) {
        this.layout = new StackLayout(b.repoRoot, b.workDir);
        this.regions = b.regions;
        this.agentCounts = Map.copyOf(b.agentCounts);
        this.coordinatorCount = b.coordinatorCount;
        this.vantageNamespaces = b.vantageNamespaces;
        this.requestedCoordinatorPort = b.coordinatorPort;
        this.requestedManagementPort = b.managementPort;
        this.requestedKafkaPort = b.kafkaPort;
        this.requestedPostgresPort = b.postgresPort;
        this.allowTargets = b.allowTargets;
        this.coordinatorOverrides = Map.copyOf(b.coordinatorProperties);
        this.agentOverrides = Map.copyOf(b.agentProperties);
        this.coordinatorJvmOptions = b.coordinatorJvmOptions;
        this.agentJvmOptions = b.agentJvmOptions;
        this.environment = b.environment;
        this.progress = b.progress;
    }

    public static LocalStackBuilder builder() {
        return new LocalStackBuilder();
    }

    /**
     * Starts PostgreSQL, the broker, the coordinators, then the agents (in parallel), each waited for until
     * ready. On failure everything already started is stopped before the exception leaves.
     *
     * @return this, for {@code try (var stack = builder.build().start())}
     * @throws StartupException naming the component that failed, with the end of its log
     */
    public LocalStack start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a LocalStack starts once; build a new one to start again");
        }
        startLock.lock();
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            startAll();
            return this;
        } catch (RuntimeException | Error e) {
            // Closed from another thread (Ctrl-C): whatever failed then failed because of that.
            if (closing.get() && e instanceof RuntimeException && !(e instanceof StartupException)) {
                throw new StartupException("stack", "closed while starting", e);
            }
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            startLock.unlock();
        }
    }

    private void startAll() {
        long begin = System.nanoTime();
        layout.requireBuilt();
        layout.createDirectories();
        DirectoryLock lock = DirectoryLock.acquire(layout.runDir().resolve("launcher.lock"), "stack");
        adopt(lock, () -> workDirLock = lock);
        layout.reapOrphanApps(progress);
        if (vantageNamespaces) {
            startVantageNetwork();
        }
        int apiPort = requestedCoordinatorPort == 0 ? Processes.freePort() : requestedCoordinatorPort;
        int managementPort = requestedManagementPort == 0 ? Processes.freePort() : requestedManagementPort;
        if (!Processes.portIsFree(apiPort)) {
            throw new StartupException("coordinator", "port " + apiPort
                    + " on 127.0.0.1 is already in use; choose another API port");
        }
        if (!Processes.portIsFree(managementPort)) {
            throw new StartupException("coordinator", "port " + managementPort
                    + " on 127.0.0.1 is already in use; choose another management port");
        }

        long t = System.nanoTime();
        PostgresServer pg = PostgresServer.fromEnvironment(environment).orElseGet(() -> PostgresServer.embedded(
                layout.workDir().resolve("pgdata"), requestedPostgresPort, layout.logFile("postgres"), listener));
        adopt(pg, () -> postgres = pg);
        if (pg.isEmbedded()) {
            pg.start();
        }
        progress.accept((pg.isEmbedded() ? "PostgreSQL ready on " : "using PostgreSQL at ") + pg.jdbcUrl()
                + Processes.since(t));

        t = System.nanoTime();
        KafkaBroker kafka = KafkaBroker.create(layout.brokerLibs(), layout.workDir().resolve("kafka"),
                requestedKafkaPort, 0, network == null ? null : network.hostAddress(), layout.logFile("kafka"),
                listener);
        adopt(kafka, () -> broker = kafka);
        kafka.start();
        progress.accept("Kafka broker ready on " + kafka.bootstrapServers()
                + kafka.extraBootstrapServers().map(extra -> " and, for the agents, " + extra).orElse("")
                + Processes.since(t));

        AppProperties properties = new AppProperties(regions, effectiveAllowTargets(), coordinatorOverrides,
                agentOverrides);
        startCoordinators(properties, apiPort, managementPort);

        t = System.nanoTime();
        List<AppProcess> allAgents = new ArrayList<>();
        for (String region : regions) {
            RegionAgents regionAgents = createAgents(properties, region);
            adopt(regionAgents, () -> agents.put(region, regionAgents));
            allAgents.addAll(regionAgents.list());
        }
        AppProcess.startAll(allAgents);
        progress.accept("agents ready for " + String.join(", ", regions) + Processes.since(t));
        progress.accept("stack up" + Processes.since(begin));
    }

    /**
     * A target namespace listening on {@link #VANTAGE_TARGET_PORTS}, and one namespace per region whose firewall
     * treats {@link #VANTAGE_GUARDED_PORTS} as {@link VantageFirewall#forIndex} says: none, reset, drop.
     */
    private void startVantageNetwork() {
        long t = System.nanoTime();
        VantageNetwork created = VantageNetwork.create(regions, progress);
        adopt(created, () -> network = created);
        for (int i = 0; i < regions.size(); i++) {
            created.guard(regions.get(i), VantageFirewall.forIndex(i), VANTAGE_GUARDED_PORTS);
        }
        created.startTargetListener(VANTAGE_TARGET_PORTS, Duration.ZERO, layout.logFile("target"));
        progress.accept("vantage namespaces ready: target " + created.targetAddress().getHostAddress()
                + " listens on " + new TreeSet<>(VANTAGE_TARGET_PORTS) + Processes.since(t));
    }

    /** The first coordinator, then the others in parallel: the same configuration but their own ports. */
    private void startCoordinators(AppProperties properties, int apiPort, int managementPort) {
        long t = System.nanoTime();
        AppProcess first = createCoordinator(properties, 1, apiPort, managementPort);
        adopt(first, () -> coordinators.add(first));
        first.start();
        progress.accept("coordinator ready on " + apiBaseUri() + Processes.since(t));
        if (coordinatorCount > 1) {
            t = System.nanoTime();
            List<AppProcess> replicas = new ArrayList<>();
            for (int n = 2; n <= coordinatorCount; n++) {
                AppProcess replica = createCoordinator(properties, n, Processes.freePort(), Processes.freePort());
                adopt(replica, () -> coordinators.add(replica));
                replicas.add(replica);
            }
            AppProcess.startAll(replicas);
            progress.accept((coordinatorCount - 1) + " more coordinator(s) ready" + Processes.since(t));
        }
    }

    private AppProcess createCoordinator(AppProperties properties, int n, int port, int managementPort) {
        String name = n == 1 ? "coordinator" : "coordinator-" + n;
        return AppProcess.create(new AppProcess.Spec(name, layout.runJar("coordinator"), coordinatorJvmOptions,
                        List.of(), "127.0.0.1", port, properties.coordinator(port, managementPort, postgres, broker),
                        layout.logFile(name)),
                layout.pidFile(name), listener);
    }

    private RegionAgents createAgents(AppProperties properties, String region) {
        // In its region's namespace, an agent's HTTP port is reachable from here only on its bridge address, and
        // the broker only on its listener on the bridge.
        String host = network == null ? "127.0.0.1" : network.vantageAddress(region).getHostAddress();
        List<String> prefix = network == null ? List.of() : network.commandPrefix(region);
        String kafkaBootstrap = broker.extraBootstrapServers().orElse(broker.bootstrapServers());
        List<AppProcess> regionAgents = new ArrayList<>();
        for (String agentId : agentIds(region)) {
            String name = RegionAgents.component(agentId);
            int port = Processes.freePort();
            regionAgents.add(AppProcess.create(new AppProcess.Spec(name, layout.runJar("agent"), agentJvmOptions,
                            prefix, host, port, properties.agent(region, agentId, host, port, kafkaBootstrap),
                            layout.logFile(name)),
                    layout.pidFile(name), listener));
        }
        return new RegionAgents(region, regionAgents);
    }

    /** The configured allow list, plus the vantage target's own address (198.18.0.0/15 is blocked by default). */
    private String effectiveAllowTargets() {
        if (network == null) {
            return allowTargets;
        }
        String target = network.targetAddress().getHostAddress() + "/32";
        return allowTargets.isBlank() ? target : allowTargets + "," + target;
    }

    /**
     * Root of the first coordinator, {@code http://127.0.0.1:<port>} without a trailing slash; the API is under
     * {@code /api/v1}.
     */
    public URI apiBaseUri() {
        return coordinator(1).baseUri();
    }

    /** Coordinator {@code n}: 1 is the first, on the API port; 2.. those started with {@code coordinators(count)}. */
    public synchronized AppProcess coordinator(int n) {
        requireStarted();
        if (n < 1 || n > coordinatorCount) {
            throw new IllegalArgumentException("no coordinator " + n + "; this stack runs 1.." + coordinatorCount);
        }
        if (n > coordinators.size()) {
            throw new IllegalStateException("coordinator " + n + " was never started");
        }
        return coordinators.get(n - 1);
    }

    /** The region's agents. */
    public synchronized RegionAgents agents(String region) {
        requireStarted();
        requireRegion(region);
        RegionAgents regionAgents = agents.get(region);
        if (regionAgents == null) {
            throw new IllegalStateException("the agents of " + region + " were never started");
        }
        return regionAgents;
    }

    /** The agent of this id, {@code <region>-<n>}. */
    public AppProcess agent(String agentId) {
        for (String region : regions) {
            if (agentIds(region).contains(agentId)) {
                return agents(region).agent(agentId);
            }
        }
        throw new IllegalArgumentException("no agent " + agentId + "; this stack runs "
                + regions.stream().flatMap(r -> agentIds(r).stream()).toList());
    }

    /** PostgreSQL: embedded (it can be stopped and started), or external ({@code PARALLAX_JDBC_URL}). */
    public synchronized PostgresServer postgres() {
        requireStarted();
        return requireCreated("postgres", postgres);
    }

    public synchronized KafkaBroker broker() {
        requireStarted();
        return requireCreated("kafka", broker);
    }

    /** {@code 127.0.0.1:<port>} of the broker. */
    public String kafkaBootstrap() {
        return broker().bootstrapServers();
    }

    /** The namespaces the agents run in, when the stack was built with {@code vantageNamespaces(true)}. */
    public synchronized Optional<VantageNetwork> vantageNetwork() {
        return Optional.ofNullable(network);
    }

    public Path workDir() {
        return layout.workDir();
    }

    public Path repoRoot() {
        return layout.repoRoot();
    }

    public List<String> regions() {
        return regions;
    }

    /**
     * {@code <workDir>/logs/<component>.log} for {@code postgres}, {@code kafka}, {@code coordinator},
     * {@code coordinator-<n>}, {@code target} (with vantage namespaces) or {@code agent-<agent id>}; the previous
     * run's log is kept beside it as {@code <component>.log.1}.
     */
    public Path logFile(String component) {
        List<String> known = new ArrayList<>(List.of("postgres", "kafka", "coordinator"));
        for (int n = 2; n <= coordinatorCount; n++) {
            known.add("coordinator-" + n);
        }
        if (vantageNamespaces) {
            known.add("target");
        }
        regions.stream().flatMap(r -> agentIds(r).stream()).map(RegionAgents::component).forEach(known::add);
        if (!known.contains(component)) {
            throw new IllegalArgumentException("no component " + component + "; known: " + String.join(", ", known));
        }
        return layout.logFile(component);
    }

    /**
     * The running components and their processes, in start order: {@code postgres} (the postmaster; absent
     * for an external server), {@code kafka}, {@code coordinator}, {@code coordinator-<n>},
     * {@code agent-<agent id>}.
     */
    public synchronized Map<String, ProcessHandle> processes() {
        Map<String, ProcessHandle> running = new LinkedHashMap<>();
        if (postgres != null) {
            postgres.process().ifPresent(p -> running.put("postgres", p));
        }
        if (broker != null) {
            broker.process().ifPresent(p -> running.put("kafka", p));
        }
        List<AppProcess> apps = new ArrayList<>(coordinators);
        agents.values().forEach(regionAgents -> apps.addAll(regionAgents.list()));
        apps.forEach(app -> app.process().ifPresent(p -> running.put(app.name(), p)));
        return running;
    }

    /**
     * Completes when a component exits that nobody asked to stop (through {@link #close()} or its handle's stop or
     * kill); the launcher uses it to shut down and report which one died.
     */
    public CompletableFuture<ComponentExit> unexpectedExit() {
        return unexpectedExit;
    }

    /** A component that ended on its own. */
    public record ComponentExit(String component, String detail, Path logFile) {
    }

    /**
     * Stops agents, coordinators, broker, PostgreSQL and the namespaces, in that order and each bounded in time;
     * safe to call at any moment, more than once, and from any thread (a second caller waits for the first).
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        try {
            if (started.get()) {
                progress.accept("stopping the stack");
            }
            closeAll();
            // A start() running in another thread (Ctrl-C during startup) fails soon once its component is gone;
            // whatever it creates meanwhile is refused by adopt, so wait for it and sweep once more.
            if (!startLock.isHeldByCurrentThread()) {
                try {
                    if (startLock.tryLock(60, TimeUnit.SECONDS)) {
                        startLock.unlock();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                closeAll();
            }
            if (started.get()) {
                progress.accept("stack stopped");
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // Already shutting down, or never registered: nothing to remove.
            }
        } finally {
            closed.countDown();
        }
    }

    private void closeAll() {
        List<AppProcess> agentsToClose = new ArrayList<>();
        List<AppProcess> coordinatorsToClose;
        AutoCloseable[] infrastructure;
        synchronized (this) {
            agents.values().forEach(regionAgents -> agentsToClose.addAll(regionAgents.list()));
            coordinatorsToClose = new ArrayList<>(coordinators);
            infrastructure = new AutoCloseable[] {broker, postgres, network, workDirLock};
        }
        // Agents in parallel: each takes a second or two to leave its consumer group, and they are independent.
        agentsToClose.stream().map(agent -> CompletableFuture.runAsync(() -> closeQuietly(agent.name(), agent)))
                .toList().forEach(CompletableFuture::join);
        // The replicas before the first coordinator, the infrastructure in reverse order of its start, and the
        // launcher's lock last: until everything above is gone, a new launcher must not take it for orphans.
        for (AppProcess coordinator : coordinatorsToClose.reversed()) {
            closeQuietly(coordinator.name(), coordinator);
        }
        String[] names = {"kafka", "postgres", "vantage network", "stack lock"};
        for (int i = 0; i < infrastructure.length; i++) {
            closeQuietly(names[i], infrastructure[i]);
        }
    }

    private void closeQuietly(String component, AutoCloseable running) {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (Exception e) {
            progress.accept("could not stop " + component + ": " + e);
        }
    }

    private void awaitClosed() {
        try {
            closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes a component in before it starts ({@code register} keeps it), so that close() stops it; refused once
     * the stack is closing.
     */
    private synchronized void adopt(AutoCloseable component, Runnable register) {
        if (closing.get()) {
            closeQuietly(component.toString(), component);
            throw new StartupException("stack", "closed while starting");
        }
        register.run();
    }

    private void requireStarted() {
        if (!started.get()) {
            throw new IllegalStateException("the stack has not been started");
        }
    }

    private static <T> T requireCreated(String component, T handle) {
        if (handle == null) {
            throw new IllegalStateException(component + " was never started");
        }
        return handle;
    }

    private void requireRegion(String region) {
        if (!regions.contains(region)) {
            throw new IllegalArgumentException("unknown region " + region + "; this stack runs " + regions);
        }
    }

    /** The ids of the region's agents: {@code <region>-1} … {@code <region>-<n>}. */
    private List<String> agentIds(String region) {
        int count = agentCounts.getOrDefault(region, 1);
        List<String> ids = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            ids.add(region + "-" + n);
        }
        return ids;
    }
}
