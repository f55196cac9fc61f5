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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar}) run as its own JVM, configured
 * through system properties, logging to a file, and ready when {@code /q/health/ready} answers 200: on the
 * management port ({@code quarkus.management.port}) when the properties give one, on the HTTP port otherwise.
 */
public final class AppProcess implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final String HTTP_PORT = "quarkus.http.port";
    private static final String MANAGEMENT_PORT = "quarkus.management.port";

    private final String name;
    private final String httpHost;
    private final int httpPort;
    private final int managementPort;
    private final Path logFile;
    private final Process process;

    private AppProcess(String name, String httpHost, int httpPort, int managementPort, Path logFile,
                       Process process) {
        this.name = name;
        this.httpHost = httpHost;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.logFile = logFile;
        this.process = process;
    }

    /**
     * Runs {@code java <jvmOptions> -D<k>=<v>... -jar runJar} and waits (at most {@link #DEFAULT_READY_TIMEOUT})
     * until it is ready; fails at once, with the end of its log, if the process exits first.
     *
     * @param name             a label for messages, e.g. {@code coordinator} or {@code agent-eu-west}
     * @param httpPort         passed as {@code quarkus.http.port} and polled on 127.0.0.1
     * @param systemProperties passed as {@code -Dk=v}, in iteration order
     */
    public static AppProcess start(String name, Path runJar, List<String> jvmOptions, int httpPort,
                                   Map<String, String> systemProperties, Path logFile) {
        AppProcess app = launch(name, runJar, jvmOptions, httpPort, systemProperties, logFile);
        app.awaitReady(DEFAULT_READY_TIMEOUT);
        return app;
    }

    /** Starts the process without waiting for readiness; pair with {@link #awaitReady}. */
    static AppProcess launch(String name, Path runJar, List<String> jvmOptions, int httpPort,
                             Map<String, String> systemProperties, Path logFile) {
        return launch(name, runJar, jvmOptions, List.of(), "127.0.0.1", httpPort, systemProperties, logFile);
    }

    /**
     * As {@link #launch(String, Path, List, int, Map, Path)}, with the java command run behind {@code commandPrefix}
     * (e.g. {@code ip netns exec <ns>}, which execs in place, so the pid stays the JVM's) and readiness polled
     * on {@code httpHost}, the address the app listens on ({@code quarkus.http.host}).
     */
    static AppProcess launch(String name, Path runJar, List<String> jvmOptions, List<String> commandPrefix,
                             String httpHost, int httpPort, Map<String, String> systemProperties, Path logFile) {
        Path jar = runJar.toAbsolutePath();
        Path log = logFile.toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new StartupException(name, "no packaged application at " + jar
                    + ": build it with `./mvnw -q -B -DskipTests package`");
        }
        Map<String, String> properties = new LinkedHashMap<>(systemProperties);
        String declaredPort = properties.putIfAbsent(HTTP_PORT, Integer.toString(httpPort));
        if (declaredPort != null && !declaredPort.equals(Integer.toString(httpPort))) {
            throw new IllegalArgumentException(name + ": " + HTTP_PORT + "=" + declaredPort
                    + " contradicts httpPort " + httpPort);
        }
        List<String> command = new ArrayList<>(commandPrefix);
        command.add(Processes.javaBinary());
        command.addAll(jvmOptions);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Processes.rotate(log);
            Process process = new ProcessBuilder(Processes.inOwnSession(command))
                    .directory(log.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            String management = properties.get(MANAGEMENT_PORT);
            return new AppProcess(name, httpHost, httpPort,
                    management == null ? httpPort : Integer.parseInt(management), log, process);
        } catch (IOException e) {
            throw new StartupException(name, "cannot start " + jar + ": " + e.getMessage(), e);
        }
    }

    /** Polls the readiness endpoint until 200; on timeout the process is stopped and the error shows why. */
    void awaitReady(Duration timeout) {
        URI ready = managementUri().resolve("/q/health/ready");
        String lastAnswer = "no answer yet";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new StartupException(name, "exited with code " + process.exitValue()
                            + " before it was ready\n" + Processes.tail(logFile));
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
            close();
            throw new StartupException(name, "interrupted while waiting for readiness", e);
        }
        close();
        throw new StartupException(name, "not ready within " + timeout.toSeconds() + " s (" + ready
                + " last answered: " + lastAnswer + ")\n" + Processes.tail(logFile));
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    /** {@code http://<httpHost>:<httpPort>}, without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://" + httpHost + ":" + httpPort);
    }

    /**
     * Where health and metrics are served, without a trailing slash: the management port on the same host when the
     * app has one, else {@link #baseUri()}.
     */
    public URI managementUri() {
        return URI.create("http://" + httpHost + ":" + managementPort);
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

    /** Completes with the exit code when the process ends, for whatever reason. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** SIGTERM (Quarkus shuts down gracefully), SIGKILL after 20 s; returns once the process is gone. */
    @Override
    public void close() {
        Processes.terminate(process.toHandle(), STOP_GRACE);
    }

    @Override
    public String toString() {
        return "AppProcess[" + name + ", pid " + process.pid() + ", port " + httpPort + "]";
    }

    private static String abbreviate(String body) {
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() <= 400 ? flat : flat.substring(0, 400) + "…";
    }
}
