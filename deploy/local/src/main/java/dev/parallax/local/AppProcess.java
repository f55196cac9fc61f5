package dev.parallax.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar}) run as its own JVM, configured
 * through system properties, logging to a file, and ready when {@code /q/health/ready} answers 200: on the
 * management port ({@code quarkus.management.port}) when the properties give one, on the HTTP port otherwise.
 *
 * <p>It can be stopped (SIGTERM), killed (SIGKILL, as a crash would) and started again with the same command and
 * ports, so that the other components' view of it stays valid. While it runs, its pid file (when it has one)
 * lets a later launcher end it if this one dies without stopping it; its {@link ComponentListener} hears of an
 * exit nobody asked for.
 */
public final class AppProcess implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final String HTTP_PORT = "quarkus.http.port";
    private static final String MANAGEMENT_PORT = "quarkus.management.port";

    /**
     * What to run: {@code <commandPrefix> java <jvmOptions> -D<k>=<v>... -jar runJar}, listening on
     * {@code httpHost:httpPort}, logging to {@code logFile}.
     *
     * @param name             a label for messages, e.g. {@code coordinator} or {@code agent-eu-west-1}
     * @param commandPrefix    e.g. {@code ip netns exec <ns>}, which execs in place, so the pid stays the JVM's
     * @param httpHost         where readiness is polled: the address the app listens on ({@code quarkus.http.host})
     * @param httpPort         passed as {@code quarkus.http.port}
     * @param systemProperties passed as {@code -Dk=v}, in iteration order
     */
    public record Spec(String name, Path runJar, List<String> jvmOptions, List<String> commandPrefix,
                       String httpHost, int httpPort, Map<String, String> systemProperties, Path logFile) {

        public Spec {
            jvmOptions = List.copyOf(jvmOptions);
            commandPrefix = List.copyOf(commandPrefix);
            Map<String, String> properties = new LinkedHashMap<>(systemProperties);
            String declaredPort = properties.putIfAbsent(HTTP_PORT, Integer.toString(httpPort));
            if (declaredPort != null && !declaredPort.equals(Integer.toString(httpPort))) {
                throw new IllegalArgumentException(name + ": " + HTTP_PORT + "=" + declaredPort
                        + " contradicts httpPort " + httpPort);
            }
            systemProperties = Collections.unmodifiableMap(properties);
            runJar = runJar.toAbsolutePath();
            logFile = logFile.toAbsolutePath();
        }

        /** The management port the properties give, else the HTTP port. */
        int managementPort() {
            String management = systemProperties.get(MANAGEMENT_PORT);
            return management == null ? httpPort : Integer.parseInt(management);
        }
    }

    private final Spec spec;
    private final Path pidFile;
    private final ComponentListener listener;

    // Guarded by this.
    private Map<String, String> extraProperties = Map.of();
    private Process process;
    private boolean started;
    private boolean closed;

    private AppProcess(Spec spec, Path pidFile, ComponentListener listener) {
        this.spec = spec;
        this.pidFile = pidFile;
        this.listener = listener;
    }

    /** Runs the app and waits (at most {@link #DEFAULT_READY_TIMEOUT}) until it is ready. */
    public static AppProcess start(Spec spec) {
        AppProcess app = create(spec, null, ComponentListener.NONE);
        app.start();
        return app;
    }

    /**
     * The app, not started yet: {@link #start()} runs it.
     *
     * @param pidFile where its pid is kept while it runs; null for none
     */
    public static AppProcess create(Spec spec, Path pidFile, ComponentListener listener) {
        return new AppProcess(spec, pidFile, Objects.requireNonNull(listener));
    }

    /**
     * Runs the app and waits until it is ready; a no-op while it runs. Started again (after {@link #stop()},
     * {@link #kill()} or a crash) it runs the same command on the same ports, with the properties of the last
     * {@link #start(Map)}, and its previous log is kept as {@code <log>.1}.
     *
     * @throws IllegalStateException once closed
     * @throws StartupException      if a port on 127.0.0.1 is taken at a restart, or the app exits or is not
     *                               ready in time (it is then stopped, which counts as an unexpected exit)
     */
    public void start() {
        startWith(null);
    }

    /**
     * As {@link #start()}, with these properties on top of its own until it is started again with others: the
     * same app configured otherwise, e.g. a coordinator as a public deployment and then as the local stack. A
     * no-op while it runs.
     */
    public void start(Map<String, String> extraProperties) {
        startWith(Map.copyOf(extraProperties));
    }

    private void startWith(Map<String, String> extras) {
        long begin = System.nanoTime();
        boolean again;
        Process launched;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(spec.name() + " is closed");
            }
            if (process != null && process.isAlive()) {
                return;
            }
            again = started;
            if (again && spec.httpHost().equals("127.0.0.1")) {
                Processes.requirePortFree(spec.name(), spec.httpPort());
                if (spec.managementPort() != spec.httpPort()) {
                    Processes.requirePortFree(spec.name() + " (management)", spec.managementPort());
                }
            }
            if (extras != null) {
                extraProperties = extras;
            }
            launched = launch();
            started = true;
        }
        awaitReady(launched, DEFAULT_READY_TIMEOUT);
        if (again) {
            listener.progress(spec.name() + " ready again on " + baseUri() + Processes.since(begin));
        }
    }

    /**
     * Starts every app given (those not running), in parallel, each waited for until ready. Virtual threads: each
     * start mostly waits on its child JVM, and the JVMs' startup overlaps on the CPUs.
     *
     * @throws RuntimeException the first app's failure, with the others' suppressed
     */
    public static void startAll(List<AppProcess> apps) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> pending = new ArrayList<>();
            for (AppProcess app : apps) {
                Runnable start = app::start;
                pending.add(pool.submit(start));
            }
            RuntimeException failure = null;
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new StartupException("apps", e.getCause().toString(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException("apps", "interrupted while starting " + apps, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * SIGTERM (Quarkus shuts down gracefully, an agent leaves its consumer group), SIGKILL after 20 s; returns
     * once the process is gone. A no-op if it is not running; not an unexpected exit.
     */
    public void stop() {
        if (stopProcess(false)) {
            listener.progress(spec.name() + " stopped");
        }
    }

    /**
     * SIGKILL, as a crash would: whatever it had open (a transaction, its consumer group membership, uncommitted
     * offsets) is left for the others to notice. Returns once the process is gone; a no-op if it is not running;
     * not an unexpected exit.
     */
    public void kill() {
        if (stopProcess(true)) {
            listener.progress(spec.name() + " killed (SIGKILL)");
        }
    }

    public String name() {
        return spec.name();
    }

    public int httpPort() {
        return spec.httpPort();
    }

    /** {@code http://<httpHost>:<httpPort>}, without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://" + spec.httpHost() + ":" + spec.httpPort());
    }

    /**
     * Where health and metrics are served, without a trailing slash: the management port on the same host when the
     * app has one, else {@link #baseUri()}.
     */
    public URI managementUri() {
        return URI.create("http://" + spec.httpHost() + ":" + spec.managementPort());
    }

    public Path logFile() {
        return spec.logFile();
    }

    /** The app's process while it runs. */
    public synchronized Optional<ProcessHandle> process() {
        return Optional.ofNullable(process).map(Process::toHandle);
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the app, quietly, and refuses any later start; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stopProcess(false);
    }

    @Override
    public synchronized String toString() {
        return "AppProcess[" + spec.name() + (process == null ? ", stopped" : ", pid " + process.pid())
                + ", port " + spec.httpPort() + "]";
    }

    /** Runs the command without waiting for readiness; the caller holds this object's lock. */
    private Process launch() {
        if (!Files.isRegularFile(spec.runJar())) {
            throw new StartupException(spec.name(), "no packaged application at " + spec.runJar()
                    + ": build it with `./mvnw -q -B -DskipTests package`");
        }
        Map<String, String> properties = new LinkedHashMap<>(spec.systemProperties());
        properties.putAll(extraProperties);
        List<String> command = new ArrayList<>(spec.commandPrefix());
        command.add(Processes.javaBinary());
        command.addAll(spec.jvmOptions());
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", spec.runJar().toString()));
        try {
            Processes.rotate(spec.logFile());
            process = new ProcessBuilder(Processes.inOwnSession(command))
                    .directory(spec.logFile().getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new StartupException(spec.name(), "cannot start " + spec.runJar() + ": " + e.getMessage(), e);
        }
        writePidFile(process);
        watch(process);
        return process;
    }

    /** Reports the app's exit unless it was asked for: by then {@link #stopProcess} let go of it. */
    private void watch(Process running) {
        Processes.reportUnexpectedExit(running, () -> owns(running),
                detail -> listener.exitedUnexpectedly(spec.name(), detail, spec.logFile()));
    }

    private synchronized boolean owns(Process running) {
        return process == running;
    }

    /**
     * Polls the readiness endpoint until 200. An app that exits first, or is not ready in time, fails the start
     * with the end of its log; the latter is stopped, which counts as an unexpected exit.
     */
    private void awaitReady(Process launched, Duration timeout) {
        URI ready = managementUri().resolve("/q/health/ready");
        String lastAnswer = "no answer yet";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline) {
                if (!launched.isAlive()) {
                    throw new StartupException(spec.name(), "exited with code " + launched.exitValue()
                            + " before it was ready\n" + Processes.tail(spec.logFile()));
                }
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(3)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    lastAnswer = response.statusCode() + " " + abbreviate(response.body());
                } catch (IOException e) {
                    lastAnswer = e.toString();
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Processes.terminate(launched.toHandle(), STOP_GRACE);
            throw new StartupException(spec.name(), "interrupted while waiting for readiness", e);
        }
        Processes.terminate(launched.toHandle(), STOP_GRACE);
        throw new StartupException(spec.name(), "not ready within " + timeout.toSeconds() + " s (" + ready
                + " last answered: " + lastAnswer + ")\n" + Processes.tail(spec.logFile()));
    }

    /** SIGTERM then SIGKILL after a grace, or SIGKILL at once; true if there was a process. Idempotent. */
    private synchronized boolean stopProcess(boolean kill) {
        Process stopping = process;
        process = null;
        if (stopping == null) {
            return false;
        }
        if (kill) {
            stopping.destroyForcibly();
            Processes.awaitExit(stopping.toHandle(), KILL_WAIT);
        } else {
            Processes.terminate(stopping.toHandle(), STOP_GRACE);
        }
        if (pidFile != null) {
            Processes.deletePidFile(pidFile);
        }
        return true;
    }

    private void writePidFile(Process running) {
        if (pidFile == null) {
            return;
        }
        try {
            Processes.writePidFile(pidFile, running.toHandle());
        } catch (IOException e) {
            listener.progress("could not write " + pidFile + ": " + e.getMessage());
        }
    }

    private static String abbreviate(String body) {
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() <= 400 ? flat : flat.substring(0, 400) + "…";
    }
}
