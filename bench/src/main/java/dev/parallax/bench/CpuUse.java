package dev.parallax.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static dev.parallax.bench.SystemRun.REGIONS;

/**
 * CPU the processes used from a window's start until its checks completed (or the patience after it ran out),
 * by role: cores on average, and milliseconds per completed check (an agent's per job: one of the three).
 */
record CpuUse(Map<String, Double> cores, double coordinatorMsPerCheck, double agentMsPerJob) {

    static final List<String> ROLES = List.of("coordinator", "agents", "kafka", "postgres", "client");
    /** {@code USER_HZ}: the unit of {@code /proc}'s CPU times, 100 on every Linux this runs on. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    static Map<String, Long> sample(Map<String, ProcessHandle> processes) {
        // PostgreSQL's work is in its backends, children of the postmaster. A backend that ends (a pooled
        // connection closed and opened again) takes its CPU out of the live descendants' sum, and the postmaster,
        // which reaps it, counts it among its children's times: both sums together keep every backend's CPU. The
        // other roles' processes reap no children.
        return byRole(processes,
                process -> StackProcesses.cpuNanos(process) + reapedChildrenNanos(process.pid())
                        + process.descendants().mapToLong(StackProcesses::cpuNanos).sum(),
                StackProcesses.cpuNanos(ProcessHandle.current()));
    }

    /**
     * CPU the JIT compiler threads of each role's processes used so far ({@code C1 CompilerThre…},
     * {@code C2 CompilerThre…}, from {@code /proc/<pid>/task}). HotSpot keeps at least one thread of each
     * compiler alive, and on 2 cores it starts no more, so what one sample sees the next one sees too.
     */
    static Map<String, Long> sampleCompilers(Map<String, ProcessHandle> processes) {
        return byRole(processes, process -> compilerNanos(process.pid()),
                compilerNanos(ProcessHandle.current().pid()));
    }

    /** Nanoseconds per role: the agents' summed, this harness's own as the client's. */
    private static Map<String, Long> byRole(Map<String, ProcessHandle> processes,
                                            ToLongFunction<ProcessHandle> nanosOf, long client) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        ROLES.forEach(role -> nanos.put(role, 0L));
        processes.forEach((name, process) -> {
            String role = name.startsWith("agent") ? "agents" : name;
            if (nanos.containsKey(role)) {
                nanos.merge(role, nanosOf.applyAsLong(process), Long::sum);
            }
        });
        nanos.put("client", client);
        return nanos;
    }

    private static long compilerNanos(long pid) {
        long ticks = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String comm = stat.substring(open + 1, close);
                if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                    // After the name: state, then fields 4..; utime and stime are fields 14 and 15.
                    String[] fields = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
    }

    /** {@code cutime} and {@code cstime} of {@code /proc/<pid>/stat}: the CPU of the children it waited for. */
    private static long reapedChildrenNanos(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException gone) {
            return 0;
        }
        try {
            // After the name: state, then fields 4..; cutime and cstime are fields 16 and 17.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            return ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
        } catch (RuntimeException unreadable) {
            return 0;
        }
    }

    static CpuUse between(Map<String, Long> before, Map<String, Long> after, long wallNanos, int completed) {
        Map<String, Double> cores = new LinkedHashMap<>();
        ROLES.forEach(role -> cores.put(role, (after.get(role) - before.get(role)) / (double) wallNanos));
        double perCheck = Math.max(1, completed);
        return new CpuUse(cores, (after.get("coordinator") - before.get("coordinator")) / 1e6 / perCheck,
                (after.get("agents") - before.get("agents")) / 1e6 / perCheck / REGIONS.size());
    }
}
