package dev.parallax.e2e.deployment;

import java.nio.file.Path;

/** The two applications that are deployed: their modules and where their configuration lives. */
enum App {
    COORDINATOR("coordinator"),
    AGENT("agent");

    final String module;

    App(String module) {
        this.module = module;
    }

    Path moduleDir() {
        return Repository.file(module);
    }

    Path applicationProperties() {
        return moduleDir().resolve("src/main/resources/application.properties");
    }

    /** The compiled classes, whose configuration mappings and injection points say what the app reads. */
    Path classes() {
        return moduleDir().resolve("target/classes");
    }

    Path dockerfile() {
        return moduleDir().resolve("src/main/docker/Dockerfile.jvm");
    }

    /** The app a compose service or a Kubernetes object named so belongs to; null for anything else. */
    static App named(String name) {
        if (name.contains("coordinator")) {
            return COORDINATOR;
        }
        return name.contains("agent") ? AGENT : null;
    }
}
