package dev.parallax.e2e.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** An external program the tools tests run: found on the PATH or the test fails saying how to install it. */
record Tool(Path executable) {

    /** What a run printed and how it ended. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    static Tool onPath(String name, String howToInstall) {
        Path found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        assertThat(found).as(name + " is not on the PATH: " + howToInstall + " (.ci/run does)").isNotNull();
        return new Tool(found);
    }

    /** Runs the tool in {@code dir}; fails the test if it outlives a minute. */
    Run run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        try {
            Path stdout = Files.createTempFile("tool-out", ".txt");
            Path stderr = Files.createTempFile("tool-err", ".txt");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish within 60 s");
                }
                return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new AssertionError("Could not run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted running " + command, e);
        }
    }

    /** Runs the tool and returns its standard output; fails the test, with what it printed, unless it exits 0. */
    String output(Path dir, String... args) {
        Run run = run(dir, args);
        assertThat(run.exitCode()).as(executable.getFileName() + " " + String.join(" ", args) + " exited "
                + run.exitCode() + ":\n" + run.stderr() + run.stdout()).isZero();
        return run.stdout();
    }
}
