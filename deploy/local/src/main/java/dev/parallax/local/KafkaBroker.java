package dev.parallax.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apache Kafka broker process in KRaft combined mode (broker and controller in one JVM, node 1), run from
 * the jars that {@code deploy/kafka-broker} copies out of Maven Central.
 *
 * <p>Its directory holds {@code server.properties} and {@code log4j2.properties} (rewritten at every start,
 * since the ports may change), {@code cluster.id}, the pid file, and {@code data/} (the log and metadata
 * directory). Storage is formatted only while {@code data/meta.properties} is missing, so topics and committed
 * offsets survive restarts. While a {@code KafkaBroker} runs, its JVM holds {@code owner.lock} there: a second
 * launcher on the same directory is refused, and a broker left by a dead launcher is ended before a new start.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    private static final String COMPONENT = "kafka";
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path directory;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final InetSocketAddress extraListener;
    private final Process process;
    private final DirectoryLock ownerLock;

    private KafkaBroker(Path directory, Path logFile, int port, int controllerPort, InetSocketAddress extraListener,
                        String clusterId, Process process, DirectoryLock ownerLock) {
        this.directory = directory;
        this.logFile = logFile;
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraListener = extraListener;
        this.clusterId = clusterId;
        this.process = process;
        this.ownerLock = ownerLock;
    }

    /**
     * Starts a broker and waits (at most {@link #DEFAULT_READY_TIMEOUT}) until it answers Kafka requests.
     *
     * @param libsDirectory  the broker's jars, normally {@code <repo>/deploy/kafka-broker/target/libs}
     * @param directory      configuration and data of this broker; reused across runs
     * @param port           the PLAINTEXT listener on 127.0.0.1 (0 = a free one)
     * @param controllerPort the CONTROLLER listener on 127.0.0.1 (0 = a free one)
     * @param logFile        the broker's stdout, stderr and log4j output
     */
    public static KafkaBroker start(Path libsDirectory, Path directory, int port, int controllerPort, Path logFile) {
        KafkaBroker broker = launch(libsDirectory, directory, port, controllerPort, logFile);
        broker.awaitReady(DEFAULT_READY_TIMEOUT);
        return broker;
    }

    /** Starts the process without waiting for it; pair with {@link #awaitReady}. */
    static KafkaBroker launch(Path libsDirectory, Path directory, int port, int controllerPort, Path logFile) {
        return launch(libsDirectory, directory, port, controllerPort, null, logFile);
    }

    /**
     * As {@link #launch(Path, Path, int, int, Path)}, plus, when {@code extraListenerAddress} is not null, a second
     * client listener on a free port of that address (advertised as itself), for clients that cannot reach the
     * host's loopback: agents in network namespaces reach the broker through the host's end of their veth.
     */
    static KafkaBroker launch(Path libsDirectory, Path directory, int port, int controllerPort,
                              InetAddress extraListenerAddress, Path logFile) {
        return launch(libsDirectory, directory, port, controllerPort, extraListenerAddress, 0, logFile);
    }

    /**
     * As {@link #launch(Path, Path, int, int, InetAddress, Path)}, with the extra listener on
     * {@code extraListenerPort} (0 = a free one): a broker started again must keep the address its clients were
     * configured with.
     */
    static KafkaBroker launch(Path libsDirectory, Path directory, int port, int controllerPort,
                              InetAddress extraListenerAddress, int extraListenerPort, Path logFile) {
        if (extraListenerPort < 0 || extraListenerPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + extraListenerPort);
        }
        Path libs = libsDirectory.toAbsolutePath();
        Path dir = directory.toAbsolutePath();
        Path log = logFile.toAbsolutePath();
        requireBrokerJars(libs);
        DirectoryLock ownerLock = DirectoryLock.acquire(dir.resolve("owner.lock"), COMPONENT);
        try {
            Processes.reapOrphan(dir.resolve("broker.pid"), STOP_GRACE).ifPresent(pid -> System.err.println(
                    "[parallax-local] stopped orphaned Kafka broker (pid " + pid + ") left on " + dir
                            + " by an earlier run"));
            int chosenPort = Processes.portOrFree(port);
            int chosenControllerPort = Processes.portOrFree(controllerPort);
            while (chosenControllerPort == chosenPort) {
                chosenControllerPort = Processes.freePort();
            }
            InetSocketAddress extraListener = extraListenerAddress == null ? null
                    : new InetSocketAddress(extraListenerAddress,
                            extraListenerPort == 0 ? freePortOn(extraListenerAddress) : extraListenerPort);
            Path serverProperties = dir.resolve("server.properties");
            Files.writeString(serverProperties,
                    serverProperties(dir.resolve("data"), chosenPort, chosenControllerPort, extraListener));
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, LOG4J2_PROPERTIES);
            Processes.rotate(log);
            String clusterId = clusterId(dir);
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                format(libs, log4j, serverProperties, clusterId, log);
            }
            List<String> command = List.of(Processes.javaBinary(), "-Xmx512m", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + log4j, "-cp", libs + "/*",
                    "kafka.Kafka", serverProperties.toString());
            Process process = new ProcessBuilder(Processes.inOwnSession(command))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            try {
                Processes.writePidFile(dir.resolve("broker.pid"), process.toHandle());
            } catch (IOException e) {
                System.err.println("[parallax-local] could not record the broker's pid: " + e.getMessage());
            }
            return new KafkaBroker(dir, log, chosenPort, chosenControllerPort, extraListener, clusterId, process,
                    ownerLock);
        } catch (IOException | RuntimeException e) {
            ownerLock.close();
            if (e instanceof StartupException startup) {
                throw startup;
            }
            throw new StartupException(COMPONENT, "cannot start the broker in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the broker answers an ApiVersions request. The broker creates its client acceptor early but
     * enables request processing only after it has caught up with the metadata log and been unfenced; an
     * answer proves that point is passed, where a bare TCP connect could succeed on a socket nobody serves yet.
     */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                close();
                throw new StartupException(COMPONENT, "the broker exited with code " + process.exitValue()
                        + " before it was ready\n" + Processes.tail(logFile));
            }
            if (answersApiVersions(port)) {
                return;
            }
            sleep(200);
        }
        close();
        throw new StartupException(COMPONENT, "the broker did not answer on 127.0.0.1:" + port + " within "
                + timeout.toSeconds() + " s\n" + Processes.tail(logFile));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * {@code <address>:<port>} of the extra listener asked for at launch, e.g. {@code 198.18.7.1:40123}; empty
     * without one.
     */
    public Optional<String> extraBootstrapServers() {
        return Optional.ofNullable(extraListener).map(a -> a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The port of the extra listener asked for at launch; 0 without one. */
    int extraListenerPort() {
        return extraListener == null ? 0 : extraListener.getPort();
    }

    public String clusterId() {
        return clusterId;
    }

    public Path directory() {
        return directory;
    }

    public Path logFile() {
        return logFile;
    }

    public ProcessHandle process() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes with the exit code when the broker process ends, for whatever reason. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** SIGTERM (controlled shutdown), then SIGKILL after 30 s; returns once the process is gone. Idempotent. */
    @Override
    public void close() {
        Processes.terminate(process.toHandle(), STOP_GRACE);
        Processes.deletePidFile(directory.resolve("broker.pid"));
        ownerLock.close();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", pid " + process.pid() + "]";
    }

    private static void requireBrokerJars(Path libs) {
        if (!hasBrokerJars(libs)) {
            throw new StartupException(COMPONENT, "no Kafka broker jars in " + libs
                    + ": build them with `./mvnw -q -B -DskipTests package` (module deploy/kafka-broker)");
        }
    }

    private static int freePortOn(InetAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return socket.getLocalPort();
        }
    }

    static boolean hasBrokerJars(Path libs) {
        try (Stream<Path> files = Files.isDirectory(libs) ? Files.list(libs) : Stream.empty()) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String clusterId(Path dir) throws IOException {
        Path file = dir.resolve("cluster.id");
        if (Files.exists(file)) {
            String stored = Files.readString(file).trim();
            if (isUsableClusterId(stored)) {
                return stored;
            }
        }
        String id = newClusterId();
        Files.writeString(file, id + "\n");
        return id;
    }

    /**
     * 16 random bytes in unpadded base64url (22 characters), as Kafka's own Uuid.randomUuid, which likewise
     * never returns an id starting with '-': the storage tool's argument parser would read it as an option.
     */
    static String newClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] uuid = new byte[16];
        String id;
        do {
            random.nextBytes(uuid);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(uuid);
        } while (!isUsableClusterId(id));
        return id;
    }

    private static boolean isUsableClusterId(String id) {
        return id.length() == 22 && !id.startsWith("-") && id.matches("[A-Za-z0-9_-]+");
    }

    private static void format(Path libs, Path log4j, Path serverProperties, String clusterId, Path log)
            throws IOException {
        Process format = new ProcessBuilder(Processes.javaBinary(), "-Xmx256m",
                "-Dlog4j2.configurationFile=" + log4j, "-cp", libs + "/*",
                "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", serverProperties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            if (!format.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new StartupException(COMPONENT, "formatting the storage took over "
                        + FORMAT_TIMEOUT.toSeconds() + " s\n" + Processes.tail(log));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartupException(COMPONENT, "interrupted while formatting the storage", e);
        }
        if (format.exitValue() != 0) {
            throw new StartupException(COMPONENT, "formatting the storage failed (exit " + format.exitValue()
                    + ")\n" + Processes.tail(log));
        }
    }

    private static String serverProperties(Path dataDir, int port, int controllerPort,
                                           InetSocketAddress extraListener) {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by the Parallax local stack at every start; edits here are overwritten.");
        lines.add("process.roles=broker,controller");
        lines.add("node.id=1");
        lines.add("controller.quorum.voters=1@127.0.0.1:" + controllerPort);
        String extra = extraListener == null ? ""
                : ",VANTAGE://" + extraListener.getAddress().getHostAddress() + ":" + extraListener.getPort();
        lines.add("listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + extra);
        lines.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + port + extra);
        lines.add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                + (extraListener == null ? "" : ",VANTAGE:PLAINTEXT"));
        lines.add("controller.listener.names=CONTROLLER");
        lines.add("inter.broker.listener.name=PLAINTEXT");
        lines.add("log.dirs=" + dataDir);
        lines.add("num.partitions=3");
        lines.add("auto.create.topics.enable=true");
        lines.add("group.initial.rebalance.delay.ms=0");
        lines.add("offsets.topic.replication.factor=1");
        // The default 50 partitions make the first consumer-group join wait seconds on a 2-core machine.
        lines.add("offsets.topic.num.partitions=5");
        lines.add("transaction.state.log.replication.factor=1");
        lines.add("transaction.state.log.min.isr=1");
        lines.add("share.coordinator.state.topic.replication.factor=1");
        lines.add("share.coordinator.state.topic.min.isr=1");
        return String.join("\n", lines) + "\n";
    }

    // Console only: the process's stdout is the log file, so JVM crashes and log4j output end up together.
    // AbstractConfig prints every config value at INFO, several hundred lines per start.
    private static final String LOG4J2_PROPERTIES = """
            status = warn
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.target = SYSTEM_OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = info
            rootLogger.appenderRef.out.ref = OUT
            logger.config.name = org.apache.kafka.common.config.AbstractConfig
            logger.config.level = warn
            logger.statechange.name = state.change.logger
            logger.statechange.level = warn
            """;

    /**
     * Sends ApiVersions v0 (request header v1: api key 18, version 0, correlation id, client id) and reads the
     * response's correlation id. Any answer means the broker is processing requests.
     */
    private static boolean answersApiVersions(int port) {
        int correlationId = 0x5041524c;
        byte[] clientId = "parallax-local".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(2000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(2 + 2 + 4 + 2 + clientId.length);
            out.writeShort(18);
            out.writeShort(0);
            out.writeInt(correlationId);
            out.writeShort(clientId.length);
            out.write(clientId);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            return size >= 4 && in.readInt() == correlationId;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException(COMPONENT, "interrupted while waiting for the broker", e);
        }
    }
}
