package dev.parallax.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository the tests run in, to reach the broker jars that deploy/kafka-broker copies. */
final class TestRepo {

    private TestRepo() {
    }

    static Path root() {
        String property = System.getProperty("parallax.repo.root");
        if (property != null && !property.isBlank()
                && Files.isRegularFile(Path.of(property, "deploy/kafka-broker/pom.xml"))) {
            return Path.of(property).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/kafka-broker/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }

    static Path brokerLibs() {
        return root().resolve("deploy/kafka-broker/target/libs");
    }
}
