package dev.parallax.e2e;

import dev.parallax.local.LocalStack;
import dev.parallax.local.LocalStackBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the end-to-end tests get a stack: this repository's packaged apps, a work directory of their own. */
public final class E2eStacks {

    private E2eStacks() {
    }

    /** The repository root (Maven passes it as parallax.repo.root). */
    public static Path repoRoot() {
        return Path.of(System.getProperty("parallax.repo.root", "../..")).toAbsolutePath().normalize();
    }

    /**
     * A builder with the repository, a fresh work directory {@code deploy/e2e/target/<name>-…} (kept for the logs)
     * and the stack's progress printed; every port is a free one unless the test says otherwise.
     */
    public static LocalStackBuilder builder(String name) throws IOException {
        Path repoRoot = repoRoot();
        return LocalStack.builder()
                .repoRoot(repoRoot)
                .workDir(Files.createTempDirectory(repoRoot.resolve("deploy/e2e/target"), name + "-"))
                .progress(line -> System.out.println("[stack " + name + "] " + line));
    }
}
