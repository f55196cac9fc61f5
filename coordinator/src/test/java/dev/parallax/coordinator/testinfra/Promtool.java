package dev.parallax.coordinator.testinfra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus project's own parser and linter, {@code promtool}, run as a process. Tests that use it are tagged
 * "tools" and run with -Ptools (as .ci/run does, which installs it); they fail when it is missing.
 */
public final class Promtool {

    /** promtool on the PATH (.ci/run puts it in /usr/local/bin). */
    private static final Path PROMTOOL = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable)
            .findFirst().orElse(Path.of("/usr/local/bin/promtool"));

    private Promtool() {
    }

    /** promtool's complaints about an exposition in the text format (empty when it parses and lints clean). */
    public static String checkMetrics(String exposition) throws IOException, InterruptedException {
        return run(exposition, "check", "metrics");
    }

    /** Runs promtool with {@code input} (null: none) on stdin; its output, prefixed by its exit code if not 0. */
    public static String run(String input, String... args) throws IOException, InterruptedException {
        assertThat(PROMTOOL).as("promtool on the PATH (from the Debian package prometheus; .ci/run installs it)")
                .isExecutable();
        Path file = Files.createTempFile("promtool-input", ".txt");
        try {
            Files.writeString(file, input == null ? "" : input);
            List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
            command.addAll(List.of(args));
            Process run = new ProcessBuilder(command).redirectInput(file.toFile()).redirectErrorStream(true).start();
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).as("promtool ended").isTrue();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return run.exitValue() == 0 ? output : "exit " + run.exitValue() + ": " + output;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
