package dev.parallax.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against a real HTTP server on a loopback port, answering as the coordinator does; the client against
 * the coordinator itself is what the CLI, the benchmarks and deploy/e2e run.
 */
class ParallaxClientTest {

    private static final UUID ID = UUID.fromString("7b0e8f2a-3c55-4a8e-9a57-2f4c1f0b9d11");
    private static final String CHECK = """
            {"id": "%s", "status": "COMPLETE", "target": "127.0.0.1", "ports": "443,22", "timeoutMs": 1000,
             "ipFamily": "any", "createdAt": "2025-01-02T03:04:05.123456Z", "deadline": "2025-01-02T03:04:35Z",
             "completedAt": "2025-01-02T03:04:06Z",
             "regions": [{"region": "eu-west", "status": "DONE", "agentId": "eu-west-1", "message": null,
                          "resolvedAddresses": ["127.0.0.1"], "resolveMicros": 12, "startedAt": null,
                          "finishedAt": null, "ports": [
                 {"address": "127.0.0.1", "port": 443, "state": "OPEN", "reason": "syn-ack", "rttMicros": 80,
                  "message": null}]},
                         {"region": "us-east", "status": "UNAVAILABLE", "agentId": null,
                          "message": "no-live-agent: none", "resolvedAddresses": [], "resolveMicros": null,
                          "ports": []}],
             "comparison": {"summary": "443 open from eu-west.", "divergentPorts": [], "answered": ["eu-west"],
                            "unanswered": ["us-east"], "ports": [{"port": 443, "verdict": "consistent",
                                                                 "states": {"OPEN": ["eu-west"]}}],
                            "somethingNew": true}}
            """.formatted(ID);

    private HttpServer server;
    private final Map<String, Exchange> received = new ConcurrentHashMap<>();
    private final CountDownLatch streamsMayEnd = new CountDownLatch(1);
    private ParallaxClient api;

    /** What the server was sent on a path. */
    record Exchange(String method, String body, Map<String, List<String>> headers) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        api = ParallaxClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .key(" pxk_secret ").userAgent("parallax-test/1").build();
    }

    @AfterEach
    void stopServer() {
        streamsMayEnd.countDown();
        api.close();
        server.stop(0);
    }

    @Test
    void aCheckIsSubmittedWithOnlyTheFieldsGivenAndTheKeyAsABearerToken() {
        answer("/api/v1/checks", 202, "application/json", """
                {"id": "%s", "status": "PENDING", "target": "127.0.0.1", "ports": "443", "regions": ["eu-west"],
                 "timeoutMs": 2000, "ipFamily": "any", "createdAt": "2025-01-02T03:04:05Z",
                 "deadline": "2025-01-02T03:04:35Z", "self": "http://127.0.0.1/api/v1/checks/%s"}""".formatted(ID, ID));

        CheckAccepted accepted = api.submitCheck(new CheckRequest("127.0.0.1", List.of(443, "8000-8010"), null,
                null, "ipv4")).value();

        assertThat(accepted.id()).isEqualTo(ID);
        assertThat(accepted.regions()).containsExactly("eu-west");
        Exchange sent = received.get("/api/v1/checks");
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.body()).isEqualTo("{\"target\":\"127.0.0.1\",\"ports\":[443,\"8000-8010\"],\"ipFamily\":\"ipv4\"}");
        assertThat(sent.headers().get("Authorization")).containsExactly("Bearer pxk_secret");
        assertThat(sent.headers().get("User-agent")).containsExactly("parallax-test/1");
    }

    @Test
    void aCheckReadsIntoItsRecordsWhateverFieldsTheApiAdds() {
        answer("/api/v1/checks/" + ID, 200, "application/json", CHECK);

        Check check = api.check(ID).value();

        assertThat(check.isComplete()).isTrue();
        assertThat(check.createdAt()).isEqualTo(Instant.parse("2025-01-02T03:04:05.123456Z"));
        Check.Region euWest = check.region("eu-west").orElseThrow();
        assertThat(euWest.port(443)).contains(new Check.Port("127.0.0.1", 443, "OPEN", "syn-ack", 80, null));
        assertThat(euWest.resolveMicros()).isEqualTo(12);
        assertThat(check.region("us-east").orElseThrow().message()).isEqualTo("no-live-agent: none");
        assertThat(check.region("us-east").orElseThrow().resolveMicros()).isNull();
        assertThat(check.comparison().ports()).containsExactly(
                new Check.PortComparison(443, "consistent", Map.of("OPEN", List.of("eu-west"))));
        assertThat(check.comparison().unanswered()).containsExactly("us-east");
    }

    @Test
    void anErrorAnswerThrowsWithTheProblemsDetailAndStatusWhenTheValueIsAskedFor() {
        answer("/api/v1/schedules", 400, Problem.MEDIA_TYPE, """
                {"type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
                 "detail": "ports: port 70000 is out of range: ports are 1-65535", "instance": "/api/v1/schedules",
                 "errors": [{"field": "ports", "message": "port 70000 is out of range: ports are 1-65535"}]}""");

        ApiResponse<Schedule> refused = api.createSchedule("{}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.problem().orElseThrow().errors())
                .containsExactly(new Problem.FieldError("ports", "port 70000 is out of range: ports are 1-65535"));
        assertThatThrownBy(refused::value).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ApiException.Kind.BAD_INPUT);
            assertThat(e.status()).isEqualTo(400);
        }).hasMessage("ports: port 70000 is out of range: ports are 1-65535 (HTTP 400)");
    }

    @Test
    void anAnswerThatIsNotAProblemStillSaysItsStatus() {
        answer("/api/v1/regions", 502, "text/html", "<html>bad gateway</html>");
        answer("/api/v1/agents", 200, "text/html", "<html>a portal</html>");

        ApiResponse<List<Region>> failed = api.regions();
        assertThat(failed.problem()).isEmpty();
        assertThatThrownBy(failed::value).isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.SERVER))
                .hasMessage("HTTP 502: <html>bad gateway</html> (HTTP 502)");
        assertThatThrownBy(() -> api.agents().value()).isInstanceOf(ApiException.class)
                .hasMessage("the API answered something that is not JSON: <html>a portal</html>");
    }

    @Test
    void followingACheckHandsOverEachEventAndStopsAtTheLastWithoutWaitingForTheStreamToClose() {
        server.createContext("/api/v1/checks/" + ID + "/events", exchange -> {
            record(exchange);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write((": events of check " + ID + "\n\n"
                    + "event: region\nid: eu-west\ndata: {\"region\": \"eu-west\", \"status\": \"DONE\", \"ports\": []}\n\n"
                    + "event: complete\nid: complete\ndata: " + CHECK.replace("\n", "") + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitQuietly(streamsMayEnd);
            exchange.close();
        });
        List<String> seen = new ArrayList<>();
        long start = System.nanoTime();

        Optional<CheckEvent> last = api.followCheck(ID, Duration.ofSeconds(30), event -> seen.add(event.name()));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(seen).containsExactly("region", "complete");
        assertThat(last.orElseThrow().check().comparison().summary()).isEqualTo("443 open from eu-west.");
        assertThat(received.get("/api/v1/checks/" + ID + "/events").headers().get("Accept"))
                .containsExactly("text/event-stream");
    }

    @Test
    void aScheduleIsCreatedWithACheckFieldsItsCadenceAndItsAlertOnlyWhereGiven() {
        answer("/api/v1/schedules", 201, "application/json", """
                {"id": "%s", "paused": false, "target": "example.com", "ports": "443", "regions": ["eu-west"],
                 "every": "PT1M", "cron": null, "alert": null, "nextRunAt": null, "costPerHour": 60}""".formatted(ID));

        api.createSchedule(new ScheduleRequest("example.com", List.of(443), List.of("eu-west"), "1m", null, null,
                "OPEN", new ScheduleRequest.Alert("https://hooks.example/x", 2, null))).value();

        assertThat(received.get("/api/v1/schedules").body()).isEqualTo("{\"target\":\"example.com\",\"ports\":[443],"
                + "\"regions\":[\"eu-west\"],\"every\":\"1m\",\"expect\":\"OPEN\","
                + "\"alert\":{\"webhook\":\"https://hooks.example/x\",\"quorum\":2}}");
    }

    @Test
    void schedulesAreAddressedByTheirIdAsGivenAndPausedWithAPatch() {
        answer("/api/v1/schedules/", 200, "application/json", """
                {"id": "%s", "paused": true, "target": "example.com", "ports": "443", "regions": "all",
                 "every": "PT1M", "cron": null, "alert": null, "nextRunAt": null, "costPerHour": 60}""".formatted(ID));

        Schedule paused = api.pauseSchedule(" a/b ").value();

        assertThat(received.get("/api/v1/schedules/a%2Fb").method()).isEqualTo("PATCH");
        assertThat(received.get("/api/v1/schedules/a%2Fb").body()).isEqualTo("{\"paused\": true}");
        assertThat(paused.paused()).isTrue();
        assertThat(paused.regions()).as("\"all\"").isEmpty();
        assertThat(paused.nextRunAt()).isNull();
        assertThat(paused.alert()).isNull();
    }

    @Test
    void noAnswerAtAllSaysWhereItLooked() throws IOException {
        int released;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            released = socket.getLocalPort();
        }
        try (ParallaxClient unreachable = ParallaxClient.of(URI.create("http://127.0.0.1:" + released))) {
            assertThatThrownBy(unreachable::regions).isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.kind()).isEqualTo(ApiException.Kind.UNREACHABLE))
                    .hasMessage("cannot reach the Parallax API at http://127.0.0.1:" + released
                            + "/: connection refused");
        }
    }

    @Test
    void healthIsReadWhetherItIsUpOrDown() {
        answer("/q/health/ready", 503, "application/json", """
                {"status": "DOWN", "checks": [{"name": "database", "status": "DOWN", "data": {"attempts": 3}}]}""");
        try (ManagementClient management = new ManagementClient(URI.create("http://127.0.0.1:"
                + server.getAddress().getPort()))) {
            Health ready = management.health("ready");

            assertThat(ready.isUp()).isFalse();
            assertThat(ready.check("database").orElseThrow().data()).containsEntry("attempts", "3");
        }
    }

    private void answer(String path, int status, String contentType, String body) {
        server.createContext(path, exchange -> {
            record(exchange);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    private void record(HttpExchange exchange) throws IOException {
        received.put(exchange.getRequestURI().getRawPath(), new Exchange(exchange.getRequestMethod(),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                Map.copyOf(exchange.getRequestHeaders())));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
