package dev.parallax.local;

import dev.parallax.local.vantage.VantageFirewall;
import dev.parallax.local.vantage.VantageNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
 * reverse order (agents, coordinator, broker, PostgreSQL) whether or not start finished. A JVM shutdown hook,
 * registered while the stack runs, does the same on Ctrl-C. The work directory holds {@code pgdata/},
 * {@code kafka/}, {@code logs/} and {@code run/}: the launcher's lock, held while the stack runs so that a second
 * launcher on the same directory is refused, and pid files that let the next run end the processes a launcher
 * killed with SIGKILL left behind.
 *
 * <p>For failure tests, {@link #killCoordinator}/{@link #startCoordinator}, {@link #stopBroker}/{@link #startBroker},
 * {@link #stopPostgres}/{@link #startPostgres} and {@link #killAgent}/{@link #stopAgent}/{@link #startAgent} take
 * one component down and bring it back, with its data, on the ports the others were configured with.
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
    private static final int MAX_AGENTS_PER_REGION = 8;
    private static final int MAX_COORDINATORS = 4;

    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(20);
    private static final Duration CLOSE_WAIT = Duration.ofMinutes(2);

    private final Path repoRoot;
    private final Path workDir;
    private final List<String> regions;
    private final int requestedCoordinatorPort;
    private final int requestedManagementPort;
    private final int requestedKafkaPort;
    private final int requestedPostgresPort;
    private final String allowTargets;
    private final Map<String, String> coordinatorOverrides;
    private final Map<String, String> agentOverrides;
    private final List<String> coordinatorJvmOptions;
    private final List<String> agentJvmOptions;
    private final Consumer<String> progress;
    private final Map<String, String> environment;
    private final Map<String, Integer> agentCounts;
    private final boolean vantageNamespaces;
    private final int coordinatorCount;

    private final ReentrantLock startLock = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CompletableFuture<ComponentExit> unexpectedExit = new CompletableFuture<>();
    private final Thread shutdownHook = new Thread(this::close, "parallax-local-shutdown");

    // Guarded by this: what is running now. close() and the stop/kill methods take each out before stopping it,
    // so that the exit watchers can tell a stop that was asked for from a crash.
    private DirectoryLock workDirLock;
    private PostgresServer postgres;
    private KafkaBroker broker;
    private AppProcess coordinator;
    // Coordinators 2..n by component name (coordinator-2, ...): replicas on the same database and broker.
    private final Map<String, AppProcess> replicas = new LinkedHashMap<>();
    private VantageNetwork network;
    // By agent id.
    private final Map<String, AppProcess> agents = new LinkedHashMap<>();

    private final Map<String, Integer> agentPorts = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> replicaPorts = new ConcurrentHashMap<>();
    // Coordinator n's management port (health and metrics), picked at its first start and kept.
    private final Map<Integer, Integer> managementPorts = new ConcurrentHashMap<>();
    // Properties coordinator n was last started with on top of the stack's own (startCoordinator(n, properties)).
    private final Map<Integer, Map<String, String>> coordinatorExtras = new ConcurrentHashMap<>();
    private volatile VantageNetwork vantageNetwork;
    private volatile String agentKafkaBootstrap;
    private volatile int coordinatorPort;
    private volatile String jdbcUrl;
    private volatile String username;
    private volatile String password;
    private volatile String kafkaBootstrap;
    // What startPostgres/startBroker need to come back where the apps expect them: the ports at first start.
    // postgresPort is -1 for an external server (and 0 until PostgreSQL is known).
    private volatile int postgresPort;
    private volatile int kafkaPort;
    private volatile int kafkaControllerPort;
    private volatile int kafkaExtraListenerPort;

    private LocalStack(Builder b) {
        this.repoRoot = b.repoRoot;
        this.workDir = b.workDir;
        this.regions = b.regions;
        this.requestedCoordinatorPort = b.coordinatorPort;
        this.requestedManagementPort = b.managementPort;
        this.requestedKafkaPort = b.kafkaPort;
        this.requestedPostgresPort = b.postgresPort;
        this.allowTargets = b.allowTargets;
        this.coordinatorOverrides = Map.copyOf(b.coordinatorProperties);
        this.agentOverrides = Map.copyOf(b.agentProperties);
        this.coordinatorJvmOptions = b.coordinatorJvmOptions;
        this.agentJvmOptions = b.agentJvmOptions;
        this.progress = b.progress;
        this.environment = b.environment;
        this.agentCounts = Map.copyOf(b.agentCounts);
        this.vantageNamespaces = b.vantageNamespaces;
        this.coordinatorCount = b.coordinatorCount;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts PostgreSQL, the broker, the coordinator, then the agents (in parallel), each waited for until
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
        Path brokerLibs = brokerLibs();
        Path coordinatorJar = runJar("coordinator");
        Path agentJar = runJar("agent");
        requireBuilt(brokerLibs, coordinatorJar, agentJar);
        try {
            Files.createDirectories(logsDir());
            Files.createDirectories(runDir());
        } catch (IOException e) {
            throw new StartupException("stack", "cannot create " + workDir + ": " + e.getMessage(), e);
        }
        adoptWorkDirLock(DirectoryLock.acquire(runDir().resolve("launcher.lock"), "stack"));
        reapOrphanApps();
        if (vantageNamespaces) {
            startVantageNetwork();
        }

        coordinatorPort = requestedCoordinatorPort == 0 ? Processes.freePort() : requestedCoordinatorPort;
        if (!Processes.portIsFree(coordinatorPort)) {
            throw new StartupException("coordinator", "port " + coordinatorPort
                    + " on 127.0.0.1 is already in use; choose another API port");
        }
        if (!Processes.portIsFree(managementPort(1))) {
            throw new StartupException("coordinator", "port " + managementPort(1)
                    + " on 127.0.0.1 is already in use; choose another management port");
        }

        long t = System.nanoTime();
        PostgresServer pg = PostgresServer.fromEnvironment(environment).orElse(null);
        if (pg == null) {
            ensureOpen();
            pg = PostgresServer.start(workDir.resolve("pgdata"), requestedPostgresPort, logFile("postgres"));
        }
        adoptPostgres(pg);
        postgresPort = pg.isEmbedded() ? pg.port() : -1;
        jdbcUrl = pg.jdbcUrl();
        username = pg.username();
        password = pg.password();
        progress.accept((pg.isEmbedded() ? "PostgreSQL ready on " : "using PostgreSQL at ") + jdbcUrl + since(t));

        t = System.nanoTime();
        ensureOpen();
        KafkaBroker kafka = KafkaBroker.launch(brokerLibs, workDir.resolve("kafka"), requestedKafkaPort, 0,
                vantageNetwork == null ? null : vantageNetwork.hostAddress(), logFile("kafka"));
        adoptBroker(kafka);
        kafka.awaitReady(KafkaBroker.DEFAULT_READY_TIMEOUT);
        kafkaPort = kafka.port();
        kafkaControllerPort = kafka.controllerPort();
        kafkaExtraListenerPort = kafka.extraListenerPort();
        kafkaBootstrap = kafka.bootstrapServers();
        agentKafkaBootstrap = kafka.extraBootstrapServers().orElse(kafkaBootstrap);
        progress.accept("Kafka broker ready on " + kafkaBootstrap
                + (agentKafkaBootstrap.equals(kafkaBootstrap) ? "" : " and, for the agents, " + agentKafkaBootstrap)
                + since(t));

        t = System.nanoTime();
        ensureOpen();
        AppProcess app = AppProcess.launch("coordinator", coordinatorJar, coordinatorJvmOptions, coordinatorPort,
                coordinatorProperties(1, coordinatorPort), logFile("coordinator"));
        adoptCoordinator(app);
        app.awaitReady(AppProcess.DEFAULT_READY_TIMEOUT);
        progress.accept("coordinator ready on " + apiBaseUri() + since(t));
        if (coordinatorCount > 1) {
            t = System.nanoTime();
            startReplicas(coordinatorJar);
            progress.accept((coordinatorCount - 1) + " more coordinator(s) ready" + since(t));
        }

        t = System.nanoTime();
        startAgents(agentJar, regions.stream().flatMap(region -> agentIds(region).stream()).toList());
        progress.accept("agents ready for " + String.join(", ", regions) + since(t));
        progress.accept("stack up" + since(begin));
    }

    /**
     * A target namespace listening on {@link #VANTAGE_TARGET_PORTS}, and one namespace per region whose firewall
     * treats {@link #VANTAGE_GUARDED_PORTS} as {@link VantageFirewall#forIndex} says: none, reset, drop.
     */
    private void startVantageNetwork() {
        long t = System.nanoTime();
        ensureOpen();
        VantageNetwork created = VantageNetwork.create(regions, progress);
        adoptNetwork(created);
        for (int i = 0; i < regions.size(); i++) {
            created.guard(regions.get(i), VantageFirewall.forIndex(i), VANTAGE_GUARDED_PORTS);
        }
        created.startTargetListener(VANTAGE_TARGET_PORTS, Duration.ZERO, logFile("target"));
        vantageNetwork = created;
        progress.accept("vantage namespaces ready: target " + created.targetAddress().getHostAddress()
                + " listens on " + new TreeSet<>(VANTAGE_TARGET_PORTS) + since(t));
    }

    /** Coordinators 2..n, in parallel: the same configuration but their own API port. */
    private void startReplicas(Path coordinatorJar) {
        List<AppProcess> launched = new ArrayList<>();
        for (int n = 2; n <= coordinatorCount; n++) {
            ensureOpen();
            int port = replicaPorts.computeIfAbsent(n, i -> Processes.freePort());
            String name = "coordinator-" + n;
            AppProcess replica = AppProcess.launch(name, coordinatorJar, coordinatorJvmOptions, port,
                    coordinatorProperties(n, port), logFile(name));
            adoptReplica(name, replica);
            launched.add(replica);
        }
        for (AppProcess replica : launched) {
            replica.awaitReady(AppProcess.DEFAULT_READY_TIMEOUT);
        }
    }

    private void startAgents(Path agentJar, List<String> agentIdsToStart) {
        // Virtual threads: each task mostly waits on a child JVM, and the JVMs' startup overlaps on the CPUs.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> pending = new ArrayList<>();
            for (String agentId : agentIdsToStart) {
                pending.add(pool.submit(() -> launchAgent(agentJar, agentId)));
            }
            RuntimeException failure = null;
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new StartupException("agents", e.getCause().toString(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("agents", "interrupted while starting agents", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void launchAgent(Path agentJar, String agentId) {
        ensureOpen();
        String region = regionOf(agentId);
        int port = agentPorts.computeIfAbsent(agentId, r -> Processes.freePort());
        VantageNetwork vantages = vantageNetwork;
        // In its region's namespace, the agent's HTTP port is reachable from here only on its bridge address.
        String host = vantages == null ? "127.0.0.1" : vantages.vantageAddress(region).getHostAddress();
        List<String> prefix = vantages == null ? List.of() : vantages.commandPrefix(region);
        AppProcess agent = AppProcess.launch(agentComponent(agentId), agentJar, agentJvmOptions, prefix, host, port,
                agentProperties(region, agentId, host, port), logFile(agentComponent(agentId)));
        adoptAgent(agentId, agent);
        agent.awaitReady(AppProcess.DEFAULT_READY_TIMEOUT);
    }

    /** Root of the coordinator, {@code http://127.0.0.1:<port>} without a trailing slash; the API is under /api/v1. */
    public URI apiBaseUri() {
        return URI.create("http://127.0.0.1:" + coordinatorPort());
    }

    /**
     * Root of coordinator {@code n} (1 = the first, whose port is {@link #coordinatorPort()}; 2.. the replicas
     * started with {@code coordinators(count)}).
     */
    public URI apiBaseUri(int n) {
        requireStarted();
        if (n == 1) {
            return apiBaseUri();
        }
        Integer port = replicaPorts.get(n);
        if (port == null || n > coordinatorCount) {
            throw new IllegalArgumentException("no coordinator " + n + "; this stack runs " + coordinatorCount);
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Kills coordinator {@code n} (1 = the first, 2.. the replicas) with SIGKILL, as a crash would: whatever
     * transaction it had open is rolled back by PostgreSQL when its connections drop. Returns once the process is
     * gone; a no-op if it is not running. Not reported by {@link #unexpectedExit()};
     * {@link #startCoordinator(int)} starts it again on the same port.
     */
    public void killCoordinator(int n) {
        requireCoordinator(n);
        AppProcess app;
        synchronized (this) {
            if (n == 1) {
                app = coordinator;
                coordinator = null;
            } else {
                app = replicas.remove(coordinatorComponent(n));
            }
        }
        if (app != null) {
            app.process().destroyForcibly();
            Processes.awaitExit(app.process(), Duration.ofSeconds(10));
            Processes.deletePidFile(pidFile(app.name()));
            progress.accept(app.name() + " killed (SIGKILL)");
        }
    }

    /**
     * Starts coordinator {@code n} (1 = the first, 2.. the replicas) again after {@link #killCoordinator(int)} or
     * a crash, with the configuration and the HTTP port it had, so that {@link #apiBaseUri(int)} stays valid, and
     * waits until it is ready. A no-op if it runs. Its previous log is kept as {@code <component>.log.1}.
     *
     * @throws StartupException if the port is taken or it does not become ready (it then counts as a crash for
     *                          {@link #unexpectedExit()}, as a failed {@link #startAgent} does)
     */
    public void startCoordinator(int n) {
        startCoordinator(n, coordinatorExtras.getOrDefault(n, Map.of()));
    }

    /**
     * As {@link #startCoordinator(int)}, with these properties on top of the stack's own (and of
     * {@code coordinatorProperties}) until it is started again with others: the same coordinator configured
     * otherwise, e.g. as a public deployment and then as the local stack.
     */
    public void startCoordinator(int n, Map<String, String> extraProperties) {
        requireOpen();
        requireCoordinator(n);
        String name = coordinatorComponent(n);
        synchronized (this) {
            AppProcess running = n == 1 ? coordinator : replicas.get(name);
            if (running != null && running.isAlive()) {
                return;
            }
        }
        long t = System.nanoTime();
        int port = n == 1 ? coordinatorPort : replicaPorts.get(n);
        requirePortFree(name, port);
        requirePortFree(name + " (management)", managementPort(n));
        coordinatorExtras.put(n, Map.copyOf(extraProperties));
        AppProcess app = AppProcess.launch(name, runJar("coordinator"), coordinatorJvmOptions, port,
                coordinatorProperties(n, port), logFile(name));
        if (n == 1) {
            adoptCoordinator(app);
        } else {
            adoptReplica(name, app);
        }
        app.awaitReady(AppProcess.DEFAULT_READY_TIMEOUT);
        progress.accept(name + " ready again on " + app.baseUri() + since(t));
    }

    /**
     * Stops the Kafka broker (SIGTERM: a controlled shutdown that flushes its logs), as an outage would look to the
     * coordinator and agents, whose clients keep retrying the same address. Returns once the process is gone; a
     * no-op if it is not running. Not reported by {@link #unexpectedExit()}; {@link #startBroker()} starts it again
     * with its topics and offsets.
     */
    public void stopBroker() {
        KafkaBroker kafka;
        synchronized (this) {
            kafka = broker;
            broker = null;
        }
        if (kafka != null) {
            kafka.close();
            progress.accept("Kafka broker stopped");
        }
    }

    /**
     * Starts the broker again after {@link #stopBroker()} or a crash, on the same directory (same cluster id,
     * topics, committed offsets) and the same ports: the running coordinator and agents keep the bootstrap
     * address they were configured with ({@link #kafkaBootstrap()}, {@link #agentKafkaBootstrap()}). Waits until
     * it answers requests; a no-op if it runs. The controller port is the previous one too when it is still free
     * (with the static KRaft quorum used here another one would do as well).
     *
     * @throws StartupException if the client port is taken or the broker does not become ready
     */
    public void startBroker() {
        requireOpen();
        KafkaBroker stale;
        synchronized (this) {
            if (broker != null && broker.isAlive()) {
                return;
            }
            stale = broker;
        }
        if (stale != null) {
            // Crashed: its object still holds the directory's owner.lock, which the new broker takes.
            stale.close();
        }
        long t = System.nanoTime();
        requirePortFree("kafka", kafkaPort);
        int controllerPort = Processes.portIsFree(kafkaControllerPort) ? kafkaControllerPort : 0;
        VantageNetwork vantages = vantageNetwork;
        KafkaBroker kafka = KafkaBroker.launch(brokerLibs(), workDir.resolve("kafka"), kafkaPort, controllerPort,
                vantages == null ? null : vantages.hostAddress(), kafkaExtraListenerPort, logFile("kafka"));
        adoptBroker(kafka);
        kafka.awaitReady(KafkaBroker.DEFAULT_READY_TIMEOUT);
        if (kafka.controllerPort() != kafkaControllerPort) {
            progress.accept("Kafka controller port " + kafkaControllerPort + " was taken; now "
                    + kafka.controllerPort());
            kafkaControllerPort = kafka.controllerPort();
        }
        progress.accept("Kafka broker ready again on " + kafkaBootstrap
                + (agentKafkaBootstrap.equals(kafkaBootstrap) ? "" : " and, for the agents, " + agentKafkaBootstrap)
                + since(t));
    }

    /**
     * Stops the embedded PostgreSQL (fast shutdown: open transactions are rolled back, clients disconnected), as a
     * database outage would look to the coordinators. Returns once the postmaster is gone; a no-op if it is not
     * running. Not reported by {@link #unexpectedExit()}; {@link #startPostgres()} starts it again with its data.
     *
     * @throws IllegalStateException if the stack uses an external server ({@code PARALLAX_JDBC_URL})
     */
    public void stopPostgres() {
        requireEmbeddedPostgres();
        PostgresServer pg;
        synchronized (this) {
            pg = postgres;
            postgres = null;
        }
        if (pg != null) {
            pg.close();
            progress.accept("PostgreSQL stopped");
        }
    }

    /**
     * Starts the embedded PostgreSQL again after {@link #stopPostgres()} or a crash, on the same data directory
     * (nothing is initialised or dropped) and the same port, so that {@link #jdbcUrl()} and the coordinators'
     * configuration stay valid; as root, in a user namespace as at the first start. Waits until it accepts
     * connections; a no-op if it runs.
     *
     * @throws IllegalStateException if the stack uses an external server ({@code PARALLAX_JDBC_URL})
     * @throws StartupException      if the port is taken or the server does not start
     */
    public void startPostgres() {
        requireOpen();
        requireEmbeddedPostgres();
        PostgresServer stale;
        synchronized (this) {
            if (postgres != null && postgres.process().map(p -> !Processes.isGone(p)).orElse(true)) {
                return;
            }
            stale = postgres;
        }
        if (stale != null) {
            // Crashed: its object still holds zonky's lock on the data directory.
            stale.close();
        }
        long t = System.nanoTime();
        requirePortFree("postgres", postgresPort);
        PostgresServer pg = PostgresServer.start(workDir.resolve("pgdata"), postgresPort, logFile("postgres"));
        adoptPostgres(pg);
        progress.accept("PostgreSQL ready again on " + pg.jdbcUrl() + since(t));
    }

    /**
     * Where coordinator {@code n} (1 = the first) serves health and metrics: {@code http://127.0.0.1:<port>},
     * without a trailing slash.
     */
    public URI managementUri(int n) {
        requireStarted();
        requireCoordinator(n);
        return URI.create("http://127.0.0.1:" + managementPort(n));
    }

    /** Coordinator n's management port: the one asked for (n = 1), else a free one, kept across restarts. */
    private int managementPort(int n) {
        return managementPorts.computeIfAbsent(n, i -> i == 1 && requestedManagementPort != 0
                ? requestedManagementPort : Processes.freePort());
    }

    /** The coordinator's HTTP port (the one asked for, or the free one picked by {@link #start()}). */
    public int coordinatorPort() {
        requireStarted();
        return coordinatorPort;
    }

    /** {@code 127.0.0.1:<port>} of the broker. */
    public String kafkaBootstrap() {
        requireStarted();
        return kafkaBootstrap;
    }

    /** The broker as the agents reach it: {@link #kafkaBootstrap()}, or its listener on the vantage bridge. */
    public String agentKafkaBootstrap() {
        requireStarted();
        return agentKafkaBootstrap;
    }

    /** The namespaces the agents run in, when the stack was built with {@code vantageNamespaces(true)}. */
    public Optional<VantageNetwork> vantageNetwork() {
        return Optional.ofNullable(vantageNetwork);
    }

    /** The ids of the region's agents: {@code <region>-1} … {@code <region>-<n>}. */
    public List<String> agentIds(String region) {
        requireRegion(region);
        int count = agentCounts.getOrDefault(region, 1);
        List<String> ids = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            ids.add(region + "-" + n);
        }
        return ids;
    }

    public String jdbcUrl() {
        requireStarted();
        return jdbcUrl;
    }

    public String username() {
        requireStarted();
        return username;
    }

    public String password() {
        requireStarted();
        return password;
    }

    public Path workDir() {
        return workDir;
    }

    public Path repoRoot() {
        return repoRoot;
    }

    public List<String> regions() {
        return regions;
    }

    /**
     * {@code <workDir>/logs/<component>.log} for {@code postgres}, {@code kafka}, {@code coordinator},
     * {@code target} (with vantage namespaces) or {@code agent-<agent id>}; the previous run's log is kept beside
     * it as {@code <component>.log.1}.
     */
    public Path logFile(String component) {
        List<String> agentComponents = regions.stream().flatMap(r -> agentIds(r).stream())
                .map(LocalStack::agentComponent).toList();
        boolean known = switch (component) {
            case "postgres", "kafka", "coordinator" -> true;
            case "target" -> vantageNamespaces;
            default -> agentComponents.contains(component) || isReplica(component);
        };
        if (!known) {
            throw new IllegalArgumentException("no component " + component + "; known: postgres, kafka, coordinator, "
                    + (vantageNamespaces ? "target, " : "") + String.join(", ", agentComponents));
        }
        return logsDir().resolve(component + ".log");
    }

    /** The HTTP port of an agent (kept across {@link #stopAgent}/{@link #startAgent}). */
    public int agentHttpPort(String agentId) {
        regionOf(agentId);
        Integer port = agentPorts.get(agentId);
        if (port == null) {
            throw new IllegalStateException("agent " + agentId + " was never started");
        }
        return port;
    }

    /** Whether any agent of the region runs. */
    public synchronized boolean isAgentRunning(String region) {
        return agentIds(region).stream().map(agents::get).anyMatch(agent -> agent != null && agent.isAlive());
    }

    /**
     * Stops every agent of the region (SIGTERM, as a scale-down would), in parallel; a no-op for those not
     * running.
     */
    public void stopAgent(String region) {
        List<AppProcess> stopping = new ArrayList<>();
        synchronized (this) {
            for (String agentId : agentIds(region)) {
                AppProcess agent = agents.remove(agentId);
                if (agent != null) {
                    stopping.add(agent);
                }
            }
        }
        stopping.stream().map(agent -> CompletableFuture.runAsync(() -> {
            agent.close();
            Processes.deletePidFile(pidFile(agent.name()));
        })).toList().forEach(CompletableFuture::join);
        if (!stopping.isEmpty()) {
            progress.accept("agents of " + region + " stopped");
        }
    }

    /**
     * Kills one agent with SIGKILL, as a crash would: it gets no chance to leave its consumer group or to commit
     * offsets. Returns once the process is gone; a no-op if it is not running.
     */
    public void killAgent(String agentId) {
        regionOf(agentId);
        AppProcess agent;
        synchronized (this) {
            agent = agents.remove(agentId);
        }
        if (agent != null) {
            agent.process().destroyForcibly();
            Processes.awaitExit(agent.process(), Duration.ofSeconds(10));
            Processes.deletePidFile(pidFile(agent.name()));
            progress.accept("agent " + agentId + " killed (SIGKILL)");
        }
    }

    /** Starts the region's agents that do not run (same ids and ports), in parallel, and waits until ready. */
    public void startAgent(String region) {
        requireStarted();
        List<String> missing;
        synchronized (this) {
            missing = agentIds(region).stream()
                    .filter(id -> agents.get(id) == null || !agents.get(id).isAlive()).toList();
        }
        if (!missing.isEmpty()) {
            startAgents(runJar("agent"), missing);
            progress.accept("agents " + String.join(", ", missing) + " started");
        }
    }

    /**
     * The running components and their processes, in start order: {@code postgres} (the postmaster; absent
     * for an external server), {@code kafka}, {@code coordinator}, {@code agent-<region>}.
     */
    public synchronized Map<String, ProcessHandle> processes() {
        Map<String, ProcessHandle> running = new LinkedHashMap<>();
        if (postgres != null) {
            postgres.process().ifPresent(p -> running.put("postgres", p));
        }
        if (broker != null) {
            running.put("kafka", broker.process());
        }
        if (coordinator != null) {
            running.put("coordinator", coordinator.process());
        }
        replicas.forEach((name, replica) -> running.put(name, replica.process()));
        agents.forEach((agentId, agent) -> running.put(agent.name(), agent.process()));
        return running;
    }

    /**
     * Completes when a component exits that nobody asked to stop (not through {@link #close()}, {@link #stopAgent},
     * {@link #killAgent}, {@link #killCoordinator}, {@link #stopBroker} or {@link #stopPostgres}); the launcher
     * uses it to shut down and report which one died.
     */
    public CompletableFuture<ComponentExit> unexpectedExit() {
        return unexpectedExit;
    }

    /** A component that ended on its own. */
    public record ComponentExit(String component, String detail, Path logFile) {
    }

    /**
     * Stops agents, coordinator, broker and PostgreSQL, in that order and each bounded in time; safe to call
     * at any moment, more than once, and from any thread (a second caller waits for the first).
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
            stopAll();
            // A start() running in another thread (Ctrl-C during startup) fails soon once its component is gone;
            // whatever it launched meanwhile is refused by adopt*, so wait for it and sweep once more.
            if (!startLock.isHeldByCurrentThread()) {
                try {
                    if (startLock.tryLock(60, TimeUnit.SECONDS)) {
                        startLock.unlock();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stopAll();
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

    private void stopAll() {
        List<AppProcess> agentsToStop;
        AppProcess coordinatorToStop;
        List<AppProcess> replicasToStop;
        KafkaBroker brokerToStop;
        PostgresServer postgresToStop;
        VantageNetwork networkToRemove;
        DirectoryLock lockToRelease;
        synchronized (this) {
            agentsToStop = new ArrayList<>(agents.values());
            agents.clear();
            coordinatorToStop = coordinator;
            coordinator = null;
            replicasToStop = new ArrayList<>(replicas.values());
            replicas.clear();
            brokerToStop = broker;
            broker = null;
            postgresToStop = postgres;
            postgres = null;
            networkToRemove = network;
            network = null;
            lockToRelease = workDirLock;
            workDirLock = null;
        }
        // Agents in parallel: each takes a second or two to leave its consumer group, and they are independent.
        List<CompletableFuture<Void>> stopping = agentsToStop.stream()
                .map(agent -> CompletableFuture.runAsync(() -> stopQuietly(agent.name(), agent)))
                .toList();
        stopping.forEach(CompletableFuture::join);
        replicasToStop.forEach(replica -> stopQuietly(replica.name(), replica));
        stopQuietly("coordinator", coordinatorToStop);
        stopQuietly("kafka", brokerToStop);
        stopQuietly("postgres", postgresToStop);
        stopQuietly("vantage network", networkToRemove);
        // Last: until everything above is gone, a new launcher must not take these processes for orphans.
        if (lockToRelease != null) {
            lockToRelease.close();
        }
    }

    private void stopQuietly(String component, AutoCloseable running) {
        if (running == null) {
            return;
        }
        try {
            running.close();
        } catch (Exception e) {
            progress.accept("could not stop " + component + ": " + e);
        }
        if (component.startsWith("coordinator") || component.startsWith("agent-")) {
            Processes.deletePidFile(pidFile(component));
        }
    }

    private void awaitClosed() {
        try {
            closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void adoptWorkDirLock(DirectoryLock lock) {
        refuseIfClosing("stack", lock);
        workDirLock = lock;
    }

    private synchronized void adoptPostgres(PostgresServer pg) {
        refuseIfClosing("postgres", pg);
        postgres = pg;
        pg.process().ifPresent(p -> watch("postgres", p.onExit().thenApply(h -> "postmaster exited"),
                () -> postgres == pg));
    }

    private synchronized void adoptBroker(KafkaBroker kafka) {
        refuseIfClosing("kafka", kafka);
        broker = kafka;
        watch("kafka", kafka.onExit().thenApply(LocalStack::describeExit), () -> broker == kafka);
    }

    private synchronized void adoptCoordinator(AppProcess app) {
        refuseIfClosing("coordinator", app);
        coordinator = app;
        writePidFile("coordinator", app);
        watch("coordinator", app.onExit().thenApply(LocalStack::describeExit), () -> coordinator == app);
    }

    private synchronized void adoptAgent(String agentId, AppProcess agent) {
        refuseIfClosing(agent.name(), agent);
        agents.put(agentId, agent);
        writePidFile(agent.name(), agent);
        watch(agent.name(), agent.onExit().thenApply(LocalStack::describeExit),
                () -> agents.get(agentId) == agent);
    }

    private synchronized void adoptReplica(String name, AppProcess replica) {
        refuseIfClosing(name, replica);
        replicas.put(name, replica);
        writePidFile(name, replica);
        watch(name, replica.onExit().thenApply(LocalStack::describeExit), () -> replicas.get(name) == replica);
    }

    private synchronized void adoptNetwork(VantageNetwork created) {
        refuseIfClosing("vantage network", created);
        network = created;
    }

    private void refuseIfClosing(String component, AutoCloseable running) {
        if (closing.get()) {
            stopQuietly(component, running);
            throw new StartupException(component, "the stack was closed while it was starting");
        }
    }

    private void watch(String component, CompletableFuture<String> exit, BooleanSupplier current) {
        exit.thenAccept(detail -> {
            boolean unexpected;
            synchronized (this) {
                unexpected = !closing.get() && current.getAsBoolean();
            }
            if (unexpected) {
                unexpectedExit.complete(new ComponentExit(component, detail, logsDir().resolve(component + ".log")));
            }
        });
    }

    private void writePidFile(String component, AppProcess app) {
        try {
            Processes.writePidFile(pidFile(component), app.process());
        } catch (IOException e) {
            progress.accept("could not write " + pidFile(component) + ": " + e.getMessage());
        }
    }

    private void reapOrphanApps() {
        try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(runDir(), "*.pid")) {
            for (Path pidFile : pidFiles) {
                Processes.reapOrphan(pidFile, ORPHAN_GRACE).ifPresent(pid -> progress.accept("stopped orphaned "
                        + pidFile.getFileName().toString().replace(".pid", "") + " (pid " + pid
                        + ") left by an earlier run"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean isReplica(String component) {
        if (!component.startsWith("coordinator-")) {
            return false;
        }
        try {
            int n = Integer.parseInt(component.substring("coordinator-".length()));
            return n >= 2 && n <= coordinatorCount;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private Map<String, String> coordinatorProperties(int n, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        // Loopback only: with loopback targets allowed, an API reachable from the network would let anyone
        // there probe this machine's own ports.
        p.put("quarkus.http.host", "127.0.0.1");
        p.put("quarkus.http.port", Integer.toString(port));
        p.put("quarkus.management.host", "127.0.0.1");
        p.put("quarkus.management.port", Integer.toString(managementPort(n)));
        // Only its own loopback names: a web page that points a name of its own at 127.0.0.1 (DNS rebinding)
        // reaches nothing, and other pages are refused by their Origin.
        p.put("parallax.api.allowed-hosts", "localhost,127.0.0.1,::1");
        p.put("quarkus.datasource.jdbc.url", jdbcUrl);
        p.put("quarkus.datasource.username", username);
        p.put("quarkus.datasource.password", password);
        p.put("kafka.bootstrap.servers", kafkaBootstrap);
        p.put("parallax.regions.known", String.join(",", regions));
        p.put("parallax.targets.allow", effectiveAllowTargets());
        // One user on loopback: callers without a key are served, with limits a single user never reaches. For
        // key management, start the stack with PARALLAX_AUTH_ADMIN_KEY set (the processes inherit it).
        p.put("parallax.auth.anonymous.enabled", "true");
        p.put("parallax.auth.anonymous.cost-per-hour", "100000000");
        p.put("parallax.auth.anonymous.requests-per-second", "100000");
        p.putAll(coordinatorOverrides);
        p.putAll(coordinatorExtras.getOrDefault(n, Map.of()));
        return p;
    }

    private Map<String, String> agentProperties(String region, String agentId, String host, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.host", host);
        p.put("quarkus.http.port", Integer.toString(port));
        p.put("kafka.bootstrap.servers", agentKafkaBootstrap);
        p.put("parallax.agent.region", region);
        p.put("parallax.agent.id", agentId);
        p.put("parallax.targets.allow", effectiveAllowTargets());
        p.putAll(agentOverrides);
        return p;
    }

    /** The configured allow list, plus the vantage target's own address (198.18.0.0/15 is blocked by default). */
    private String effectiveAllowTargets() {
        VantageNetwork vantages = vantageNetwork;
        if (vantages == null) {
            return allowTargets;
        }
        String target = vantages.targetAddress().getHostAddress() + "/32";
        return allowTargets.isBlank() ? target : allowTargets + "," + target;
    }

    private void requireBuilt(Path brokerLibs, Path... jars) {
        List<String> missing = new ArrayList<>();
        if (!KafkaBroker.hasBrokerJars(brokerLibs)) {
            missing.add(brokerLibs + " (Kafka broker jars)");
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                missing.add(jar.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new StartupException("stack", "not built: " + String.join(", ", missing)
                    + "; run `./mvnw -q -B -DskipTests package` in " + repoRoot);
        }
    }

    private void ensureOpen() {
        if (closing.get()) {
            throw new StartupException("stack", "closed while starting");
        }
    }

    private void requireStarted() {
        if (!started.get()) {
            throw new IllegalStateException("the stack has not been started");
        }
    }

    /** Started and not closed: for the methods that start a component again. */
    private void requireOpen() {
        requireStarted();
        if (closing.get()) {
            throw new IllegalStateException("the stack is closed");
        }
    }

    private void requireCoordinator(int n) {
        if (n < 1 || n > coordinatorCount) {
            throw new IllegalArgumentException("no coordinator " + n + "; this stack runs 1.." + coordinatorCount);
        }
    }

    private void requireEmbeddedPostgres() {
        requireStarted();
        if (postgresPort < 0) {
            throw new IllegalStateException("PostgreSQL is external (" + PostgresServer.ENV_JDBC_URL + "="
                    + jdbcUrl + "): the stack did not start it, so it cannot stop or start it");
        }
    }

    /** A component started again must get its old port back, since the others were configured with it. */
    private static void requirePortFree(String component, int port) {
        if (!Processes.portIsFree(port)) {
            throw new StartupException(component, "port " + port + " on 127.0.0.1 is in use; " + component
                    + " cannot start again where the other components expect it");
        }
    }

    private void requireRegion(String region) {
        if (!regions.contains(region)) {
            throw new IllegalArgumentException("unknown region " + region + "; this stack runs " + regions);
        }
    }

    /** The region of an agent id {@code <region>-<n>}; fails for an id this stack does not run. */
    private String regionOf(String agentId) {
        int dash = agentId.lastIndexOf('-');
        String region = dash > 0 ? agentId.substring(0, dash) : "";
        if (!regions.contains(region) || !agentIds(region).contains(agentId)) {
            throw new IllegalArgumentException("no agent " + agentId + "; this stack runs "
                    + regions.stream().flatMap(r -> agentIds(r).stream()).toList());
        }
        return region;
    }

    private Path brokerLibs() {
        return repoRoot.resolve("deploy/kafka-broker/target/libs");
    }

    private Path runJar(String module) {
        return repoRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private Path logsDir() {
        return workDir.resolve("logs");
    }

    private Path runDir() {
        return workDir.resolve("run");
    }

    private Path pidFile(String component) {
        return runDir().resolve(component + ".pid");
    }

    /** Java reports a child killed by signal N as exit code 128 + N. */
    static String describeExit(int code) {
        return code > 128 && code < 160
                ? "exited with code " + code + ", killed by signal " + (code - 128)
                : "exited with code " + code;
    }

    private static String agentComponent(String agentId) {
        return "agent-" + agentId;
    }

    private static String coordinatorComponent(int n) {
        return n == 1 ? "coordinator" : "coordinator-" + n;
    }

    private static String since(long startNanos) {
        return String.format(" (%.1f s)", (System.nanoTime() - startNanos) / 1e9);
    }

    /** Configures a {@link LocalStack}; every setting has a default. */
    public static final class Builder {

        private Path repoRoot;
        private Path workDir;
        private List<String> regions = DEFAULT_REGIONS;
        private int coordinatorPort;
        private int managementPort;
        private int kafkaPort;
        private int postgresPort;
        private String allowTargets = DEFAULT_ALLOW_TARGETS;
        private Map<String, String> coordinatorProperties = Map.of();
        private Map<String, String> agentProperties = Map.of();
        private List<String> coordinatorJvmOptions = COORDINATOR_JVM_OPTIONS;
        private List<String> agentJvmOptions = AGENT_JVM_OPTIONS;
        private Consumer<String> progress = line -> System.err.println("[parallax-local] " + line);
        private Map<String, String> environment = System.getenv();
        private final Map<String, Integer> agentCounts = new LinkedHashMap<>();
        private boolean vantageNamespaces;
        private int coordinatorCount = 1;

        private Builder() {
        }

        /**
         * The repository whose built artifacts are run. Default: the system property {@code parallax.repo.root},
         * else the first directory holding {@code deploy/kafka-broker/pom.xml} above this library's jar or above
         * the current directory.
         */
        public Builder repoRoot(Path repoRoot) {
            this.repoRoot = repoRoot;
            return this;
        }

        /** Holds pgdata/, kafka/, logs/ and run/, reused across runs. Default: a new temporary directory. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** One agent per region. Default: eu-west, us-east, ap-south. */
        public Builder regions(List<String> regions) {
            this.regions = List.copyOf(regions);
            return this;
        }

        /** How many agents the region runs (they share its jobs); default 1. */
        public Builder agents(String region, int count) {
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
        public Builder vantageNamespaces(boolean enabled) {
            this.vantageNamespaces = enabled;
            return this;
        }

        /**
         * How many coordinators run on the same PostgreSQL and broker (default 1); the first gets the API port,
         * the others free ports ({@link LocalStack#apiBaseUri(int)}).
         */
        public Builder coordinators(int count) {
            if (count < 1 || count > MAX_COORDINATORS) {
                throw new IllegalArgumentException("1 to " + MAX_COORDINATORS + " coordinators, not " + count);
            }
            this.coordinatorCount = count;
            return this;
        }

        /** The API port; 0 (the default) picks a free one. */
        public Builder coordinatorPort(int port) {
            this.coordinatorPort = port;
            return this;
        }

        /** The first coordinator's management port (health and metrics); 0 (the default) picks a free one. */
        public Builder managementPort(int port) {
            this.managementPort = port;
            return this;
        }

        /** The broker's client port; 0 (the default) picks a free one. */
        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** The embedded PostgreSQL port; 0 (the default) picks a free one. */
        public Builder postgresPort(int port) {
            this.postgresPort = port;
            return this;
        }

        /** CIDRs the coordinator and agents may probe despite the blocked ranges. Default: loopback. */
        public Builder allowTargets(String allowTargets) {
            this.allowTargets = Objects.requireNonNull(allowTargets);
            return this;
        }

        /** Extra or overriding system properties for the coordinator (not {@code quarkus.http.port}). */
        public Builder coordinatorProperties(Map<String, String> properties) {
            this.coordinatorProperties = Map.copyOf(properties);
            return this;
        }

        /** Extra or overriding system properties for every agent (not {@code quarkus.http.port}). */
        /** The coordinators' JVM options, instead of {@link #COORDINATOR_JVM_OPTIONS}. */
        public Builder coordinatorJvmOptions(List<String> options) {
            this.coordinatorJvmOptions = List.copyOf(options);
            return this;
        }

        /** The agents' JVM options, instead of {@link #AGENT_JVM_OPTIONS}. */
        public Builder agentJvmOptions(List<String> options) {
            this.agentJvmOptions = List.copyOf(options);
            return this;
        }

        public Builder agentProperties(Map<String, String> properties) {
            this.agentProperties = Map.copyOf(properties);
            return this;
        }

        /** Receives one line per startup step. Default: stderr with a {@code [parallax-local]} prefix. */
        public Builder progress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress);
            return this;
        }

        /** Where {@code PARALLAX_JDBC_URL} and friends are read. Default: the process environment. */
        public Builder environment(Map<String, String> environment) {
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
}
