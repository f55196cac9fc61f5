package dev.parallax.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the machine was doing at one instant: the load average, the kernel's cumulative CPU counters, and the CPU
 * time each process of the stack (with its children, e.g. PostgreSQL's backends) has used so far. Two samples
 * give the CPU share over the interval between them; the benchmark runs on a shared machine, so every figure it
 * prints comes with these.
 */
record MachineSample(long nanoTime, String loadAverage, long cpuBusyTicks, long cpuTotalTicks,
                     Map<String, Duration> cpuByComponent) {

    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final Path STAT = Path.of("/proc/stat");

    /** Samples now; {@code components} by name (the stack's processes plus this harness). */
    static MachineSample take(Map<String, ProcessHandle> components) {
        long[] ticks = cpuTicks();
        Map<String, Duration> cpu = new LinkedHashMap<>();
        components.forEach((name, process) -> cpu.put(name, cpuOf(process)));
        return new MachineSample(System.nanoTime(), currentLoadAverage(), ticks[0], ticks[1], cpu);
    }

    /** The 1, 5 and 15 minute load averages, as {@code /proc/loadavg} shows them ({@code ?} where unreadable). */
    static String currentLoadAverage() {
        try {
            String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Share of all cores busy between {@code earlier} and this sample, in percent (-1 if unknown). */
    double busyPercentSince(MachineSample earlier) {
        long total = cpuTotalTicks - earlier.cpuTotalTicks;
        return total <= 0 ? -1 : 100.0 * (cpuBusyTicks - earlier.cpuBusyTicks) / total;
    }

    /** CPU seconds each component used between {@code earlier} and this sample. */
    Map<String, Double> cpuSecondsSince(MachineSample earlier) {
        Map<String, Double> used = new LinkedHashMap<>();
        cpuByComponent.forEach((name, now) -> {
            Duration before = earlier.cpuByComponent.getOrDefault(name, Duration.ZERO);
            used.put(name, Math.max(0, now.minus(before).toMillis()) / 1000.0);
        });
        return used;
    }

    /** Cumulative busy and total ticks over all cores: the first {@code cpu} line of /proc/stat. */
    private static long[] cpuTicks() {
        try {
            String first = Files.readAllLines(STAT).getFirst();
            String[] f = first.trim().split("\\s+");
            long total = 0;
            // user nice system idle iowait irq softirq steal (guest time is already in user).
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /**
     * The process's CPU time plus that of its live descendants (this harness: its own only, since the stack's
     * processes are its children). Children that exited between two samples are lost, which for this stack means
     * short-lived PostgreSQL backends; the connection pools keep theirs open.
     */
    private static Duration cpuOf(ProcessHandle process) {
        Duration own = process.info().totalCpuDuration().orElse(Duration.ZERO);
        if (process.pid() == ProcessHandle.current().pid()) {
            return own;
        }
        return process.descendants()
                .map(child -> child.info().totalCpuDuration().orElse(Duration.ZERO))
                .reduce(own, Duration::plus);
    }
}
