package dev.parallax.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessesTest {

    @TempDir
    Path dir;

    @Test
    void freePortsAreBelowTheEphemeralRangeAndNeverHandedOutTwice() throws Exception {
        String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().strip();
        int ephemeralLow = Integer.parseInt(range.split("\\s+")[0]);
        assertThat(Processes.ephemeralRangeStart()).as("the first port of %s", range).isEqualTo(ephemeralLow);

        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = Processes.freePort();
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
            if (ephemeralLow > 10_000) {
                assertThat(port).as("below the ephemeral range %s, where the kernel does not pick", range)
                        .isBetween(Math.max(10_000, ephemeralLow - 10_000), ephemeralLow - 1);
            }
        }
    }

    @Test
    void orphanNamedByItsPidFileIsEnded() throws Exception {
        Process orphan = new ProcessBuilder("sleep", "60").start();
        try {
            Path pidFile = dir.resolve("run/agent-x.pid");
            Processes.writePidFile(pidFile, orphan.toHandle());

            assertThat(Processes.reapOrphan(pidFile, Duration.ofSeconds(5))).contains(orphan.pid());
            assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(pidFile).doesNotExist();
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void reusedPidIsLeftAlone() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "60").start();
        try {
            Path pidFile = dir.resolve("broker.pid");
            Files.writeString(pidFile, unrelated.pid() + " 12345\n");

            assertThat(Processes.reapOrphan(pidFile, Duration.ofSeconds(5))).isEmpty();
            assertThat(unrelated.isAlive()).isTrue();
            assertThat(pidFile).doesNotExist();
        } finally {
            unrelated.destroyForcibly();
        }
    }

    @Test
    void tailShowsTheLastLines() throws Exception {
        Path log = dir.resolve("x.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);
        assertThat(Processes.tail(log)).contains("line 100", "line 61").doesNotContain("line 60\n");
        assertThat(Processes.tail(dir.resolve("missing.log"))).contains("no log");
    }
}
