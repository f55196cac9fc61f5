package dev.parallax.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static dev.parallax.bench.SystemBench.log;

/** The stack's processes as the harness reads them from outside: CPU used, resident memory, quiet or not. */
final class StackProcesses {

    /** Below this the stack counts as idle: its idle timers and polls use about 0.2 of a core together. */
    static final double QUIET_CORES = 0.35;

    private StackProcesses() {
    }

    /**
     * Waits (at most a minute) until the stack is quiet: just started, the JVMs compile at full speed for tens of
     * seconds, and floors or latencies measured then would say more about the JIT than about the stack.
     */
    static void settle(Map<String, ProcessHandle> processes) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double cores = Double.NaN;
        while (System.nanoTime() < giveUp) {
            long before = cpuNanos(processes);
            long start = System.nanoTime();
            Thread.sleep(2000);
            cores = (cpuNanos(processes) - before) / (double) (System.nanoTime() - start);
            if (cores < QUIET_CORES) {
                break;
            }
        }
        log(String.format(Locale.ROOT, "stack settled: %.2f cores busy over the last 2 s", cores));
    }

    /** CPU the stack's processes used so far, all threads. */
    static long cpuNanos(Map<String, ProcessHandle> processes) {
        return processes.values().stream().mapToLong(StackProcesses::cpuNanos).sum();
    }

    static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    static Map<String, Long> rss(Map<String, ProcessHandle> processes) {
        Map<String, Long> rss = new LinkedHashMap<>();
        processes.forEach((name, process) -> {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss.put(name, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    }
                }
            } catch (IOException e) {
                rss.put(name, 0L);
            }
        });
        return rss;
    }
}
