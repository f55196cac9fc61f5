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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path on real parts: the packaged coordinator and two packaged agents as processes, a real Kafka
 * broker process and PostgreSQL. A check of a port this test listens on and a port it just released, both on
 * loopback, must come back OPEN and CLOSED from both regions.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WalkingSkeletonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static LocalStack stack;

    @BeforeAll
    static void startStack() throws IOException {
        Path repoRoot = Path.of(System.getProperty("parallax.repo.root", "../..")).toAbsolutePath().normalize();
        Path workDir = Files.createTempDirectory(repoRoot.resolve("deploy/e2e/target"), "stack-");
        stack = LocalStack.builder()
                .repoRoot(repoRoot)
                .workDir(workDir)
                .regions(List.of("eu-west", "us-east"))
                .coordinatorPort(0)
                .kafkaPort(0)
                .postgresPort(0)
                // Short, so a region without an agent ends within this test's patience.
                .coordinatorProperties(Map.of("parallax.checks.deadline-grace", "PT8S"))
                .progress(line -> System.out.println("[stack] " + line))
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
    void checkFromTwoRegionsSeesTheOpenAndTheClosedPort() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            int open = listener.getLocalPort();
            int closed = releasedPort();

            HttpResponse<String> accepted = post("""
                    {"target": "127.0.0.1", "ports": [%d, %d], "regions": ["eu-west", "us-east"], "timeoutMs": 1000}
                    """.formatted(open, closed));
            assertThat(accepted.statusCode()).as("submit answer: %s", accepted.body()).isEqualTo(202);
            String location = accepted.headers().firstValue("Location").orElseThrow();
            JsonNode check = awaitComplete(URI.create(location), Duration.ofSeconds(60));

            assertThat(check.path("regions")).as("regions in %s", check).hasSize(2);
            List<String> agents = new ArrayList<>();
            for (JsonNode region : check.path("regions")) {
                String name = region.path("region").asText();
                assertThat(region.path("status").asText()).as("status of %s in %s", name, check).isEqualTo("DONE");
                assertThat(region.path("resolvedAddresses").get(0).asText()).isEqualTo("127.0.0.1");
                agents.add(region.path("agentId").asText());
                assertThat(portState(region, open)).as("%s sees the listening port", name).isEqualTo("OPEN/syn-ack");
                assertThat(portState(region, closed)).as("%s sees the released port", name)
                        .isIn("CLOSED/conn-refused", "CLOSED/self-connect");
            }
            assertThat(agents).as("one agent per region answered").doesNotHaveDuplicates()
                    .allSatisfy(agent -> assertThat(agent).isNotBlank());
            assertThat(check.path("comparison").path("divergentPorts")).as("both regions agree").isEmpty();
            assertThat(check.path("comparison").path("ports").get(0).path("verdict").asText()).isEqualTo("consistent");
        }
    }

    @Test
    void regionWhoseAgentIsDownEndsUnavailableAndTheCheckStillCompletes() throws Exception {
        stack.stopAgent("us-east");
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            HttpResponse<String> accepted = post("""
                    {"target": "127.0.0.1", "ports": [%d], "regions": ["eu-west", "us-east"], "timeoutMs": 500}
                    """.formatted(listener.getLocalPort()));
            assertThat(accepted.statusCode()).as("submit answer: %s", accepted.body()).isEqualTo(202);

            JsonNode check = awaitComplete(URI.create(accepted.headers().firstValue("Location").orElseThrow()),
                    Duration.ofSeconds(60));

            assertThat(region(check, "eu-west").path("status").asText()).isEqualTo("DONE");
            assertThat(region(check, "us-east").path("status").asText()).as("region without an agent in %s", check)
                    .isEqualTo("UNAVAILABLE");
        } finally {
            stack.startAgent("us-east");
        }
    }

    @Test
    void everyRegionReportsItsLiveAgentThroughHeartbeats() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode regions = null;
        while (System.nanoTime() < until) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(stack.apiBaseUri().resolve("/api/v1/regions"))
                    .GET().timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET /api/v1/regions: %s", response.body()).isEqualTo(200);
            regions = JSON.readTree(response.body());
            if (liveAgents(regions, "eu-west") >= 1 && liveAgents(regions, "us-east") >= 1) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(liveAgents(regions, "eu-west")).as("live agents of eu-west in %s", regions).isEqualTo(1);
        assertThat(liveAgents(regions, "us-east")).as("live agents of us-east in %s", regions).isEqualTo(1);

        HttpResponse<String> accepted = post("{\"target\": \"127.0.0.1\", \"ports\": [9]}");
        assertThat(accepted.statusCode()).as("submit answer: %s", accepted.body()).isEqualTo(202);
        assertThat(JSON.readTree(accepted.body()).path("regions")).as("regions omitted: every live one")
                .extracting(JsonNode::asText).containsExactly("eu-west", "us-east");
    }

    private static int liveAgents(JsonNode regions, String name) {
        for (JsonNode region : regions) {
            if (name.equals(region.path("region").asText())) {
                return region.path("liveAgents").asInt();
            }
        }
        return 0;
    }

    private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(stack.apiBaseUri().resolve("/api/v1/checks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitComplete(URI check, Duration patience) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < until) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(check).GET()
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s: %s", check, response.body()).isEqualTo(200);
            last = JSON.readTree(response.body());
            if ("COMPLETE".equals(last.path("status").asText())) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("check not COMPLETE within " + patience + "; last state: " + last
                + "\ncoordinator log: " + stack.logFile("coordinator"));
    }

    private static JsonNode region(JsonNode check, String name) {
        for (JsonNode region : check.path("regions")) {
            if (name.equals(region.path("region").asText())) {
                return region;
            }
        }
        throw new AssertionError("no region " + name + " in " + check);
    }

    private static String portState(JsonNode region, int port) {
        for (JsonNode verdict : region.path("ports")) {
            if (verdict.path("port").asInt() == port) {
                return verdict.path("state").asText() + "/" + verdict.path("reason").asText();
            }
        }
        throw new AssertionError("no verdict for port " + port + " in " + region);
    }

    private static int releasedPort() throws IOException {
        try (ServerSocket released = new ServerSocket(0, 1, LOOPBACK)) {
            return released.getLocalPort();
        }
    }
}
