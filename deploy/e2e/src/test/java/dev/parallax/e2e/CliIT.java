package dev.parallax.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.local.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged CLI ({@code java -jar cli/target/parallax-cli.jar}, what {@code ./parallax} runs) against the
 * whole stack: regions, a check with its table and summary, JSON output, bad input, an unavailable region, and a
 * schedule's life.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CliIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static LocalStack stack;
    private static Path repoRoot;

    /** What one run of the CLI printed, and its exit code. */
    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startStack() throws IOException {
        repoRoot = E2eStacks.repoRoot();
        stack = E2eStacks.builder("cli")
                .regions(List.of("eu-west", "us-east"))
                .coordinatorProperties(Map.of("parallax.schedules.min-interval", "PT1S",
                        "parallax.agents.offline-after", "PT4S"))
                .agentProperties(Map.of("parallax.agent.heartbeat-interval", "PT1S"))
                .build()
                .start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void regionsListsEveryRegionWithItsLiveAgent() throws Exception {
        Run run = awaitOutput(List.of("regions"), out -> out.contains("eu-west  1") && out.contains("us-east  1"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("REGION   LIVE AGENTS  AGENTS  LAST SEEN");
    }

    @Test
    void checkPrintsEachRegionsPortsAndTheComparisonAndExits0() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            int open = listener.getLocalPort();
            int closed = LoopbackPorts.released();

            Run run = cli("check", "127.0.0.1:" + open + "," + closed, "--regions", "eu-west,us-east",
                    "--timeout", "1s");

            assertThat(run.exit()).as("exit code; stderr: %s; stdout: %s", run.err(), run.out()).isZero();
            assertThat(run.out()).contains("REGION   STATUS  ADDRESS    PORT")
                    .containsPattern("eu-west +DONE +127\\.0\\.0\\.1 +" + open + " +OPEN +syn-ack")
                    .containsPattern("us-east +DONE +127\\.0\\.0\\.1 +" + closed + " +CLOSED")
                    .contains(open + " open from eu-west, us-east.")
                    .contains("(2 of 2 regions answered; check ");

            Run json = cli("check", "127.0.0.1:" + open, "--regions", "eu-west", "--json");
            JsonNode check = new ObjectMapper().readTree(json.out());
            assertThat(json.exit()).as(json.err()).isZero();
            assertThat(check.path("status").asText()).isEqualTo("COMPLETE");
            assertThat(check.path("regions").get(0).path("ports").get(0).path("state").asText()).isEqualTo("OPEN");
        }
    }

    @Test
    void badInputIsExit2WithTheApisReason() throws Exception {
        Run outOfRange = cli("check", "127.0.0.1:70000", "--regions", "eu-west");
        assertThat(outOfRange.exit()).isEqualTo(2);
        assertThat(outOfRange.err()).contains("port 70000 is out of range").contains("(HTTP 400)");

        Run unknownRegion = cli("check", "127.0.0.1:443", "--regions", "mars");
        assertThat(unknownRegion.exit()).isEqualTo(2);
        assertThat(unknownRegion.err()).contains("unknown region 'mars'");
    }

    @Test
    void aRegionWithoutALiveAgentIsExit3() throws Exception {
        stack.agents("us-east").stop();
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            Run run = awaitOutput(List.of("regions"), out -> out.contains("us-east  0"));
            assertThat(run.exit()).isZero();

            Run check = cli("check", "127.0.0.1:" + listener.getLocalPort(), "--regions", "eu-west,us-east");

            assertThat(check.exit()).as("exit code; stdout: %s", check.out()).isEqualTo(3);
            assertThat(check.out()).containsPattern("us-east +UNAVAILABLE +no-live-agent")
                    .containsPattern("eu-west +DONE");
        } finally {
            stack.agents("us-east").start();
            awaitOutput(List.of("regions"), out -> out.contains("us-east  1"));
        }
    }

    @Test
    void aScheduleIsCreatedListedRunsAndIsDeleted() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            Run created = cli("schedule", "create", "127.0.0.1:" + listener.getLocalPort(), "--every", "1s",
                    "--regions", "eu-west");
            assertThat(created.exit()).as(created.err()).isZero();
            String id = created.out().split(" ")[1];
            assertThat(created.out()).startsWith("schedule " + id + " created: 127.0.0.1 ports "
                    + listener.getLocalPort() + ", every PT1S");

            Run listed = cli("schedule", "list");
            assertThat(listed.out()).contains(id).contains("every PT1S");

            Run history = awaitOutput(List.of("schedule", "history", id),
                    out -> out.lines().filter(line -> line.contains("OPEN")).count() >= 2);
            assertThat(history.out()).startsWith("DUE").containsPattern("COMPLETE +eu-west +127\\.0\\.0\\.1 +"
                    + listener.getLocalPort() + " +OPEN +syn-ack");

            Run deleted = cli("schedule", "delete", id);
            assertThat(deleted.exit()).isZero();
            assertThat(deleted.out()).isEqualTo("schedule " + id + " deleted\n");
            assertThat(cli("schedule", "list").out()).doesNotContain(id);
            Run gone = cli("schedule", "history", id);
            assertThat(gone.exit()).isEqualTo(2);
            assertThat(gone.err()).contains("(HTTP 404)");
        }
    }

    /** Runs the CLI until its output satisfies {@code done} (at most 30 s), returning the last run. */
    private static Run awaitOutput(List<String> args, Predicate<String> done) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Run run = cli(args.toArray(String[]::new));
        while (!done.test(run.out()) && System.nanoTime() < until) {
            Thread.sleep(500);
            run = cli(args.toArray(String[]::new));
        }
        return run;
    }

    private static Run cli(String... args) throws IOException, InterruptedException {
        Path jar = repoRoot.resolve("cli/target/parallax-cli.jar");
        assertThat(jar).as("the packaged CLI (./mvnw package builds it)").isRegularFile();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", jar.toString(), "--api", stack.apiBaseUri().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not end within 2 minutes: " + command);
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
