package dev.parallax.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A real Apache Kafka broker process in KRaft combined mode (broker and controller in one JVM, node 1), run from
 * the jars that {@code deploy/kafka-broker} copies out of Maven Central.
 *
 * <p>Its directory holds {@code server.properties} and {@code log4j2.properties} (rewritten at every start,
 * since the ports may change), {@code cluster.id}, the pid file, and {@code data/} (the log and metadata
 * directory). Storage is formatted only while {@code data/meta.properties} is missing, so topics and committed
 * offsets survive restarts. While a {@code KafkaBroker} runs, its JVM holds {@code owner.lock} there: a second
 * launcher on the same directory is refused, and a broker left by a dead launcher is ended before a new start.
 *
 * <p>The broker can be stopped and started again on the same ports, as an outage would look to its clients, which
 * keep retrying the address they were given; its {@link ComponentListener} hears of a broker that ends without
 * being asked to.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    private static final String COMPONENT = "kafka";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path libs;
    private final Path directory;
    private final Path logFile;
    private final int port;
    private final InetSocketAddress extraListener;
    private final ComponentListener listener;

    // Guarded by this. The controller port is kept across restarts unless it was taken meanwhile.
    private int controllerPort;
    private String clusterId;
    private Process process;
    private DirectoryLock ownerLock;
    private boolean started;
    private boolean closed;

    private KafkaBroker(Path libs, Path directory, Path logFile, int port, int controllerPort,
                        InetSocketAddress extraListener, ComponentListener listener) {
        this.libs = libs;
        this.directory = directory;
        this.logFile = logFile;
        this.port = port;
        this.controllerPort = controllerPort;
        this.extraListener = extraListener;
        this.listener = listener;
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
        KafkaBroker broker = create(libsDirectory, directory, port, controllerPort, null, logFile,
                ComponentListener.NONE);
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /**
     * A broker, not started yet: {@link #start()} starts it. Its ports (0 = a free one) are chosen now and kept
     * across restarts. When {@code extraListenerAddress} is not null it gets a second client listener on a free
     * port of that address (advertised as itself), for clients that cannot reach the host's loopback: agents in
     * network namespaces reach the broker through the host's end of their veth.
     */
    public static KafkaBroker create(Path libsDirectory, Path directory, int port, int controllerPort,
                                     InetAddress extraListenerAddress, Path logFile, ComponentListener listener) {
        Path libs = libsDirectory.toAbsolutePath();
        BrokerDirectory.requireBrokerJars(libs);
        int chosenPort = Processes.portOrFree(port);
        int chosenControllerPort = Processes.portOrFree(controllerPort);
        while (chosenControllerPort == chosenPort) {
            chosenControllerPort = Processes.freePort();
        }
        InetSocketAddress extraListener;
        try {
            extraListener = extraListenerAddress == null ? null
                    : new InetSocketAddress(extraListenerAddress, freePortOn(extraListenerAddress));
        } catch (IOException e) {
            throw new StartupException(COMPONENT, "no free port on " + extraListenerAddress.getHostAddress()
                    + " for the extra listener: " + e.getMessage(), e);
        }
        return new KafkaBroker(libs, directory.toAbsolutePath(), logFile.toAbsolutePath(), chosenPort,
                chosenControllerPort, extraListener, Objects.requireNonNull(listener));
    }

    /**
     * Starts the broker and waits until it answers requests; a no-op while it runs. Started again (after
     * {@link #stop()} or a crash) it keeps its directory (same cluster id, topics, committed offsets) and its
     * client ports, so that its clients keep the bootstrap address they were configured with; the controller port
     * too when it is still free (with the static KRaft quorum used here another one does as well).
     *
     * @throws IllegalStateException once closed
     * @throws StartupException      if the client port is taken at a restart, or the broker does not become ready
     */
    public void start() {
        long begin = System.nanoTime();
        boolean again;
        Process launched;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the broker in " + directory + " is closed");
            }
            if (process != null && process.isAlive()) {
                return;
            }
            // Crashed: this object still holds the directory's owner.lock, which the launch takes again.
            stopProcess();
            again = started;
            if (again) {
                Processes.requirePortFree(COMPONENT, port);
                if (!Processes.portIsFree(controllerPort)) {
                    int taken = controllerPort;
                    controllerPort = Processes.freePort();
                    listener.progress("Kafka controller port " + taken + " was taken; now " + controllerPort);
                }
            }
            launched = launch();
            started = true;
        }
        awaitReady(launched, DEFAULT_READY_TIMEOUT);
        if (again) {
            listener.progress("Kafka broker ready again on " + bootstrapServers()
                    + extraBootstrapServers().map(extra -> " and, for the agents, " + extra).orElse("")
                    + Processes.since(begin));
        }
    }

    /**
     * Stops the broker (SIGTERM: a controlled shutdown that flushes its logs), as an outage would look to its
     * clients, which keep retrying the same address, and returns once the process is gone; a no-op if it is not
     * running. Not an unexpected exit; {@link #start()} starts it again with its topics and offsets.
     */
    public void stop() {
        if (stopProcess()) {
            listener.progress("Kafka broker stopped");
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * {@code <address>:<port>} of the extra listener asked for at creation, e.g. {@code 198.18.7.1:40123}; empty
     * without one.
     */
    public Optional<String> extraBootstrapServers() {
        return Optional.ofNullable(extraListener).map(a -> a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    public int port() {
        return port;
    }

    public synchronized int controllerPort() {
        return controllerPort;
    }

    /** The port of the extra listener asked for at creation; 0 without one. */
    int extraListenerPort() {
        return extraListener == null ? 0 : extraListener.getPort();
    }

    /** The cluster id stored in the directory; null before the first start. */
    public synchronized String clusterId() {
        return clusterId;
    }

    public Path directory() {
        return directory;
    }

    public Path logFile() {
        return logFile;
    }

    /** The broker's process while it runs. */
    public synchronized Optional<ProcessHandle> process() {
        return Optional.ofNullable(process).map(Process::toHandle);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker, quietly, and refuses any later start; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stopProcess();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + directory + "]";
    }

    /**
     * Runs the broker without waiting for it; the caller holds this object's lock. Formats the storage first if
     * it never was.
     */
    private Process launch() {
        ownerLock = DirectoryLock.acquire(directory.resolve("owner.lock"), COMPONENT);
        try {
            Processes.reapOrphan(directory.resolve("broker.pid"), STOP_GRACE).ifPresent(pid -> System.err.println(
                    "[parallax-local] stopped orphaned Kafka broker (pid " + pid + ") left on " + directory
                            + " by an earlier run"));
            BrokerDirectory files = new BrokerDirectory(libs, directory, logFile);
            Path serverProperties = files.writeConfiguration(port, controllerPort, extraListener);
            Processes.rotate(logFile);
            clusterId = files.clusterId();
            files.formatOnce(clusterId);
            List<String> command = List.of(Processes.javaBinary(), "-Xmx512m", "-Djava.awt.headless=true",
                    "-Dlog4j2.configurationFile=" + files.log4jConfiguration(), "-cp", libs + "/*",
                    "kafka.Kafka", serverProperties.toString());
            process = new ProcessBuilder(Processes.inOwnSession(command))
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            try {
                Processes.writePidFile(directory.resolve("broker.pid"), process.toHandle());
            } catch (IOException e) {
                System.err.println("[parallax-local] could not record the broker's pid: " + e.getMessage());
            }
            watch(process);
            return process;
        } catch (IOException | RuntimeException e) {
            ownerLock.close();
            ownerLock = null;
            if (e instanceof StartupException startup) {
                throw startup;
            }
            throw new StartupException(COMPONENT, "cannot start the broker in " + directory + ": " + e.getMessage(),
                    e);
        }
    }

    /** Reports the broker's exit unless it was asked for: by then {@link #stopProcess()} let go of it. */
    private void watch(Process running) {
        Processes.reportUnexpectedExit(running, () -> owns(running),
                detail -> listener.exitedUnexpectedly(COMPONENT, detail, logFile));
    }

    private synchronized boolean owns(Process running) {
        return process == running;
    }

    /**
     * Waits until the broker answers an ApiVersions request. The broker creates its client acceptor early but
     * enables request processing only after it has caught up with the metadata log and been unfenced; an
     * answer proves that point is passed, where a bare TCP connect could succeed on a socket nobody serves yet.
     * A broker that does not get there is ended, and that counts as an unexpected exit.
     */
    private void awaitReady(Process launched, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!launched.isAlive()) {
                throw new StartupException(COMPONENT, "the broker exited with code " + launched.exitValue()
                        + " before it was ready\n" + Processes.tail(logFile));
            }
            if (answersApiVersions(port)) {
                return;
            }
            sleep(200);
        }
        Processes.terminate(launched.toHandle(), STOP_GRACE);
        throw new StartupException(COMPONENT, "the broker did not answer on 127.0.0.1:" + port + " within "
                + timeout.toSeconds() + " s\n" + Processes.tail(logFile));
    }

    /** SIGTERM (controlled shutdown), then SIGKILL after 30 s; true if there was a process. Idempotent. */
    private synchronized boolean stopProcess() {
        Process stopping = process;
        process = null;
        if (stopping != null) {
            Processes.terminate(stopping.toHandle(), STOP_GRACE);
            Processes.deletePidFile(directory.resolve("broker.pid"));
        }
        if (ownerLock != null) {
            ownerLock.close();
            ownerLock = null;
        }
        return stopping != null;
    }


    private static int freePortOn(InetAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return socket.getLocalPort();
        }
    }


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
