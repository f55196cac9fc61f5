package dev.parallax.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the stack finds what it runs (the built repository) and where it keeps what it writes (the work directory:
 * {@code pgdata/}, {@code kafka/}, {@code logs/}, and {@code run/} with the launcher's lock and the apps' pid
 * files).
 */
record StackLayout(Path repoRoot, Path workDir) {

    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(20);

    Path brokerLibs() {
        return repoRoot.resolve("deploy/kafka-broker/target/libs");
    }

    /** {@code <module>/target/quarkus-app/quarkus-run.jar}. */
    Path runJar(String module) {
        return repoRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    Path logsDir() {
        return workDir.resolve("logs");
    }

    Path runDir() {
        return workDir.resolve("run");
    }

    Path logFile(String component) {
        return logsDir().resolve(component + ".log");
    }

    Path pidFile(String component) {
        return runDir().resolve(component + ".pid");
    }

    /** Fails, saying what to build, unless the broker's jars and both apps are built. */
    void requireBuilt() {
        List<String> missing = new ArrayList<>();
        if (!BrokerDirectory.hasBrokerJars(brokerLibs())) {
            missing.add(brokerLibs() + " (Kafka broker jars)");
        }
        for (String module : List.of("coordinator", "agent")) {
            if (!Files.isRegularFile(runJar(module))) {
                missing.add(runJar(module).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new StartupException("stack", "not built: " + String.join(", ", missing)
                    + "; run `./mvnw -q -B -DskipTests package` in " + repoRoot);
        }
    }

    void createDirectories() {
        try {
            Files.createDirectories(logsDir());
            Files.createDirectories(runDir());
        } catch (IOException e) {
            throw new StartupException("stack", "cannot create " + workDir + ": " + e.getMessage(), e);
        }
    }

    /** Ends the apps an earlier launcher, killed with SIGKILL, left running: they hold ports the stack needs. */
    void reapOrphanApps(Consumer<String> progress) {
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
}
