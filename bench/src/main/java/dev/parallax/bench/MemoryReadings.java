package dev.parallax.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * 4. Memory: each process's resident memory (bytes, by component) when the stack answered ready, once it was quiet,
 * quiet again after the warm-up, and after the throughput rates.
 */
record MemoryReadings(Map<String, Long> started, Map<String, Long> idle, Map<String, Long> warm,
                      Map<String, Long> loaded) {

    /** The report's section, with the JVM options the processes ran with. */
    String table(List<String> coordinatorJvm, List<String> agentJvm) {
        StringBuilder table = new StringBuilder("""

                ### 4. Memory (RSS)

                *When ready*: as the stack answers ready. *Idle*: once it is quiet after that (under %.2f of a core
                together over 2 s, at most a minute later). *Idle after the warm-up*: quiet again after the
                warm-up's checks. *After the throughput rates*: at the end of the last rate's window.

                | process | when ready | idle | idle after the warm-up | after the throughput rates | target |
                |---|---:|---:|---:|---:|---|
                """.formatted(StackProcesses.QUIET_CORES));
        idle.forEach((name, rss) -> table.append(String.format(Locale.ROOT,
                "| %s | %.0f MB | %.0f MB | %.0f MB | %.0f MB | %s |%n", name, started.getOrDefault(name, 0L) / 1e6,
                rss / 1e6, warm.getOrDefault(name, 0L) / 1e6, loaded.getOrDefault(name, 0L) / 1e6,
                name.startsWith("agent") ? "≤ 150 MB idle, ≤ 300 MB loaded"
                        : name.startsWith("coordinator") ? "≤ 400 MB loaded" : "")));
        table.append(String.format(Locale.ROOT, "%nJVM options: coordinator `%s`; agents `%s`.%n",
                String.join(" ", coordinatorJvm), String.join(" ", agentJvm)));
        return table.toString();
    }
}
