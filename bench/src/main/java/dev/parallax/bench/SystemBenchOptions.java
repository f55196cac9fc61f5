package dev.parallax.bench;

import dev.parallax.local.LocalStack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The system benchmark's command line: {@code --name value} pairs, each with a default. */
record SystemBenchOptions(Path repoRoot, Path workDir, int warmupChecks, int latencyWarmupChecks,
                          int latencyChecks, List<Integer> rates, Duration rateWindow, int ingestRate,
                          Duration ingestWindow, int capacityChecks, Duration budget, boolean namespaces,
                          Map<String, String> coordinatorProperties, List<String> coordinatorJvm,
                          List<String> agentJvm) {

    static SystemBenchOptions parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            values.put(args[i].substring(2), args[++i]);
        }
        return new SystemBenchOptions(Path.of(values.getOrDefault("repo-root", ".")).toAbsolutePath(),
                Path.of(values.getOrDefault("work-dir", "bench/target/system")).toAbsolutePath(),
                Integer.parseInt(values.getOrDefault("warmup-checks", "3000")),
                Integer.parseInt(values.getOrDefault("latency-warmup-checks", "2000")),
                Integer.parseInt(values.getOrDefault("latency-checks", "1000")),
                Stream.of(values.getOrDefault("rates", "250,500,1000,2000").split(","))
                        .map(String::strip).map(Integer::parseInt).toList(),
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("rate-seconds", "30"))),
                Integer.parseInt(values.getOrDefault("ingest-rate", "200")),
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("ingest-seconds", "20"))),
                Integer.parseInt(values.getOrDefault("capacity-checks", "1000")),
                Duration.ofSeconds(Long.parseLong(values.getOrDefault("budget-s", "1200"))),
                !"false".equals(values.getOrDefault("namespaces", "true")),
                properties(values.getOrDefault("coordinator-properties", "")),
                jvmOptions(values.get("coordinator-jvm"), LocalStack.COORDINATOR_JVM_OPTIONS),
                jvmOptions(values.get("agent-jvm"), LocalStack.AGENT_JVM_OPTIONS));
    }

    /** Space-separated JVM options, for trying them without a rebuild; the stack's own when not given. */
    private static List<String> jvmOptions(String text, List<String> defaults) {
        return text == null ? defaults : Stream.of(text.strip().split("\\s+")).filter(o -> !o.isEmpty()).toList();
    }

    /** {@code key=value;key=value}, for trying a setting without a rebuild. */
    private static Map<String, String> properties(String text) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : text.split(";")) {
            if (!pair.isBlank()) {
                int equals = pair.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("not key=value: " + pair);
                }
                properties.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
            }
        }
        return properties;
    }
}
