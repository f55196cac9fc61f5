package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;

import java.sql.Connection;
import java.util.List;

/**
 * What every phase of the system benchmark works on: the running stack, the harness's connections to it, the
 * target its checks probe, the run's time budget and its report.
 *
 * @param db            a connection of the harness's own, for reading what the stack stored
 * @param target        the address the checks probe: the target namespace's, or loopback without namespaces
 * @param deadlineNanos the end of the run's time budget, a {@link System#nanoTime()}
 */
record SystemRun(SystemBenchOptions options, LocalStack stack, ParallaxClient api, Connection db,
                 StackBacklog backlog, String target, long deadlineNanos, SystemReport report) {

    static final List<String> REGIONS = List.of("eu-west", "us-east", "ap-south");
    static final int OPEN_PORT = 80;

    boolean withinBudget() {
        return System.nanoTime() < deadlineNanos;
    }

    /** The JSON of a check of these ports ({@code [80]}, {@code ["1-100"]}) of the target from the three regions. */
    String check(String ports) {
        return """
                {"target": "%s", "ports": %s, "regions": ["eu-west", "us-east", "ap-south"], "timeoutMs": 1000}"""
                .formatted(target, ports);
    }
}
