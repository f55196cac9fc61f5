package dev.parallax.coordinator.api;

import dev.parallax.coordinator.testinfra.Management;
import dev.parallax.coordinator.testinfra.RawHttp;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the coordinator's HTTP front refuses before a request takes a worker thread, and that nothing refused is
 * stored: bodies that stall, bodies that are not JSON or too long, names and pages it does not serve, and one caller
 * taking every event stream.
 */
@QuarkusTest
@TestProfile(HttpFrontTest.Front.class)
@QuarkusTestResource(RealInfrastructure.class)
class HttpFrontTest {

    public static class Front implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "parallax.api.body-timeout", "PT3S",
                    "parallax.api.max-bodies-per-client", String.valueOf(MAX_BODIES_PER_CLIENT),
                    "parallax.api.max-streams-per-caller", "2",
                    "parallax.api.allowed-hosts", "localhost,127.0.0.1",
                    "parallax.management.allowed-hosts", "coordinator",
                    "parallax.api.public-url", "https://parallax.example.test");
        }
    }

    /** More than the request worker threads (8), so stalled bodies that held workers would starve everything. */
    private static final int STALLED = 24;
    /** Paths the REST layer routes to the API although they do not begin with "/api/" as written. */
    private static final List<String> PARAMETER_PATHS = List.of("/api;x/v1/checks", "/api/v1;x=1/checks");
    private static final int MAX_BODIES_PER_CLIENT = 30;
    /** Far above a request's normal latency here (milliseconds) and far below the read timeout a held worker waited. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(2);

    @TestHTTPResource("/")
    URI root;

    @Inject
    AgroalDataSource db;

    @Test
    void stalledBodiesHoldNoWorkerAndEndIn408WhileTheApiHealthAndMetricsAnswer() throws Exception {
        String target = "stalled-" + UUID.randomUUID() + ".example";
        List<RawHttp> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED; i++) {
                RawHttp connection = RawHttp.connect(root.getPort());
                stalled.add(connection);
                connection.send(switch (i % 4) {
                    case 0 -> "POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 4000\r\n\r\n{\"target\": \"" + target + "\"";
                    case 3 -> "POST " + PARAMETER_PATHS.get(i % 2) + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{";
                    case 1 -> "POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n";
                    default -> "PATCH /api/v1/schedules/" + UUID.randomUUID() + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{";
                });
            }

            for (int round = 0; round < 3; round++) {
                assertAnswersWithin(ANSWERED_WITHIN, "GET /api/v1/regions", () -> given().get("/api/v1/regions"), 200);
                assertAnswersWithin(ANSWERED_WITHIN, "POST /api/v1/checks", () -> given().contentType(ContentType.JSON)
                        .body("{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"eu-west\"]}")
                        .post("/api/v1/checks"), 202);
                assertAnswersWithin(ANSWERED_WITHIN, "GET /q/health/ready",
                        () -> Management.given().get("/q/health/ready"), 200);
                assertAnswersWithin(ANSWERED_WITHIN, "GET /q/metrics",
                        () -> Management.given().get("/q/metrics"), 200);
            }

            for (RawHttp connection : stalled) {
                String answer = connection.readAll(Duration.ofSeconds(10));
                assertThat(RawHttp.status(answer)).as("a stalled body's answer: %s", answer).isEqualTo(408);
                assertThat(answer).contains("application/problem+json").contains("urn:parallax:problem:request-timeout");
            }
        } finally {
            for (RawHttp connection : stalled) {
                connection.close();
            }
        }
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target)).as("checks stored").isZero();
    }

    @Test
    void pathsWithSegmentParametersAreTheApiToo() {
        for (String path : PARAMETER_PATHS) {
            Response accepted = given().contentType(ContentType.JSON)
                    .body("{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"eu-west\"]}").post(path);
            assertThat(accepted.statusCode()).as("POST %s: %s", path, accepted.asString()).isIn(202, 404);
            Response refused = given().contentType("text/plain").body("x".getBytes()).post(path);
            assertThat(refused.statusCode()).as("a text/plain POST to %s", path).isEqualTo(415);
        }
    }

    /** {@code problem}: answered by RequestFraming; {@code codec}: Netty's decoder refuses it first, with a bare 400. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "POST|Transfer-Encoding: xchunked|400|problem",
            "POST|Transfer-Encoding: identity|400|problem",
            "POST|Transfer-Encoding: chunked, chunked|400|problem",
            "POST|Transfer-Encoding: gzip, chunked|501|problem",
            "OPTIONS|Origin: http://localhost\\r\\nAccess-Control-Request-Method: POST\\r\\n"
                    + "Transfer-Encoding: identity|400|problem",
            "POST|Transfer-Encoding: chunked\\r\\nTransfer-Encoding: identity|400|codec",
            "POST|Transfer-Encoding: chunked\\r\\nContent-Length: 5|400|codec"})
    void aTransferCodingOtherThanChunkedAloneIsRefusedAndNothingRidesBehindIt(String method, String headers,
                                                                               int status, String answeredBy)
            throws IOException {
        String smuggled = "GET /api/v1/regions HTTP/1.1\r\nHost: localhost\r\n\r\n";
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            String answer = connection.send(method + " /api/v1/checks HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\n" + headers.replace("\\r\\n", "\r\n") + "\r\n\r\n"
                    + "2\r\n{}\r\n0\r\n\r\n" + smuggled).readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as(answer).isEqualTo(status);
            if (answeredBy.equals("problem")) {
                assertThat(answer).contains("application/problem+json");
            }
            assertThat(answer.split("HTTP/1.1 ", -1)).as("answers on the connection, the smuggled request's must not"
                    + " be among them: %s", answer).hasSize(2);
        }
    }

    @Test
    void aCompressedBodyIs415() throws IOException {
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            String answer = connection.send("POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}")
                    .readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as(answer).isEqualTo(415);
            assertThat(answer).contains("uncompressed").containsIgnoringCase("Accept-Encoding: identity");
        }
    }

    @Test
    void aFieldSentTwiceIs400AndNothingIsStored() {
        String target = "twice-" + UUID.randomUUID() + ".example";
        Response refused = given().contentType(ContentType.JSON)
                .body("{\"target\": \"10.0.0.1\", \"ports\": [443], \"target\": \"" + target + "\"}")
                .post("/api/v1/checks");
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("detail")).contains("target");
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target)).isZero();
    }

    @Test
    void theManagementPortAnswersProbesNotWebPagesOrOtherNames() throws IOException {
        URI management = URI.create(io.quarkus.test.common.http.TestHTTPResourceManager.getManagementUri());
        Management.given().get("/q/health/ready").then().statusCode(200);
        Management.given().header("Origin", "http://attacker.example").get("/q/metrics").then().statusCode(403)
                .contentType("application/problem+json");
        Management.given().header("Host", "rebound.attacker.example").get("/q/metrics").then().statusCode(421)
                .contentType("application/problem+json");
        Management.given().header("Host", "127.0.0.1:" + management.getPort()).get("/q/health/live").then()
                .statusCode(200);
        Management.given().header("Host", "Coordinator.:" + management.getPort()).get("/q/health/live").then()
                .statusCode(200);
        try (RawHttp connection = RawHttp.connect(management.getPort())) {
            String answer = connection.send("GET /q/health/live HTTP/1.0\r\n\r\n").readAll(Duration.ofSeconds(2));
            assertThat(answer).as("an HTTP/1.0 health check naming no host").matches("(?s)HTTP/1\\.[01] 200 .*");
        }
        try (RawHttp connection = RawHttp.connect(management.getPort())) {
            String answer = connection.send("GET /q/health HTTP/1.1\r\n\r\n").readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as("no Host on the management port: %s", answer).isEqualTo(400);
            assertThat(answer).contains("application/problem+json");
        }
    }

    @Test
    void aRequestWithoutAHostOrWithTwoIsAProblem() throws IOException {
        for (String head : List.of("GET /api/v1/regions HTTP/1.1\r\n\r\n",
                "GET /api/v1/regions HTTP/1.1\r\nHost: localhost:1@attacker.example\r\n\r\n",
                "GET /api/v1/regions HTTP/1.1\r\nHost: localhost\r\nHost: attacker.example\r\n\r\n",
                "GET /nothing-" + UUID.randomUUID() + " HTTP/1.1\r\n\r\n")) {
            try (RawHttp connection = RawHttp.connect(root.getPort())) {
                String answer = connection.send(head).readAll(Duration.ofSeconds(2));
                assertThat(RawHttp.status(answer)).as("%s: %s", head.strip(), answer).isEqualTo(400);
                assertThat(answer).as(head.strip()).contains("application/problem+json");
            }
        }
    }

    @Test
    void aRequestTargetNamingAnotherHostThanTheHostHeaderIs400() throws IOException {
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            String answer = connection.send("GET http://attacker.example/api/v1/regions HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as("an absolute-form target of another host: %s", answer).isEqualTo(400);
            assertThat(answer).contains("urn:parallax:problem:misdirected-request");
        }
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            String answer = connection.send("GET http://localhost:" + root.getPort() + "/api/v1/regions HTTP/1.1\r\n"
                    + "Host: localhost:" + root.getPort() + "\r\nConnection: close\r\n\r\n").readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as("an absolute-form target of the host itself: %s", answer).isEqualTo(200);
        }
    }

    @Test
    void moreBodiesAtOnceThanOneClientMaySendAre429() throws Exception {
        List<RawHttp> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_BODIES_PER_CLIENT; i++) {
                stalled.add(RawHttp.connect(root.getPort()).send("POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"));
            }
            // The server sees each head before the next connection's: wait until it holds them all.
            Thread.sleep(500);
            try (RawHttp oneTooMany = RawHttp.connect(root.getPort())) {
                String answer = oneTooMany.send("POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{").readAll(Duration.ofSeconds(2));
                assertThat(RawHttp.status(answer)).as("one body more than a client may send at once: %s", answer)
                        .isEqualTo(429);
                assertThat(answer).contains("Retry-After: 1").contains("urn:parallax:problem:too-many-requests");
            }
        } finally {
            for (RawHttp connection : stalled) {
                connection.close();
            }
        }
    }

    @Test
    void aBodyThatIsNotJsonIs415AndNothingIsStored() throws Exception {
        String target = "form-" + UUID.randomUUID() + ".example";
        String json = "{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"]}";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1")) {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(root.resolve("/api/v1/checks"))
                        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as("Content-Type %s: %s", type, refused.body()).isEqualTo(415);
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(refused.body()).contains("urn:parallax:problem:unsupported-media-type");
            }
        } finally {
            http.shutdownNow();
        }
        given().contentType("application/json; charset=UTF-8").body(json).post("/api/v1/checks")
                .then().statusCode(202);
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target)).as("checks stored")
                .isEqualTo(1);
    }

    /** The JDK's client asks to upgrade to HTTP/2 in clear text; the coordinator answers over HTTP/1.1. */
    @Test
    void aClientAskingForHttp2IsServedOverHttp11() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(root.resolve("/api/v1/checks"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"eu-west\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(accepted.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        } finally {
            http.shutdownNow();
        }
    }

    @Test
    void aBodyWithoutContentTypeIs415() throws IOException {
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            String body = "{\"target\": \"127.0.0.1\", \"ports\": [443]}";
            String answer = connection.send("POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as("a POST without Content-Type: %s", answer).isEqualTo(415);
            assertThat(answer).contains("(none was given)");
        }
    }

    @Test
    void aChunkedBodyPastTheLimitIs413AsSoonAsItPassesIt() throws IOException {
        String target = "padded-" + UUID.randomUUID() + ".example";
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            connection.send("POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            String document = "{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"]}";
            connection.send(Integer.toHexString(document.length()) + "\r\n" + document + "\r\n");
            String whitespace = " ".repeat(4096);
            try {
                for (int i = 0; i < 16; i++) {
                    connection.send(Integer.toHexString(whitespace.length()) + "\r\n" + whitespace + "\r\n");
                }
            } catch (IOException closedByTheServer) {
                // Expected once the server has answered and closed.
            }
            String answer = connection.readAll(Duration.ofSeconds(5));
            assertThat(RawHttp.status(answer)).as("64 KB of whitespace after the document: %s", answer).isEqualTo(413);
            assertThat(answer).contains("urn:parallax:problem:request-too-large").contains("at most 8192");
        }
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target)).as("checks stored").isZero();
    }

    @Test
    void bytesAfterTheJsonDocumentAre400AndNothingIsStored() {
        String target = "trailing-" + UUID.randomUUID() + ".example";
        String document = "{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"]}";
        for (String trailing : List.of(" {\"ports\": [22]}", " garbage", "]")) {
            Response refused = given().contentType(ContentType.JSON).body(document + trailing).post("/api/v1/checks");
            assertThat(refused.statusCode()).as("a document followed by '%s': %s", trailing, refused.asString())
                    .isEqualTo(400);
            assertThat(refused.jsonPath().getString("type")).isEqualTo("urn:parallax:problem:malformed-json");
            assertThat(refused.asString()).doesNotContain("java.").doesNotContain("dev.parallax");
        }
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target)).as("checks stored").isZero();
    }

    @Test
    void aHostOutsideTheAllowedNamesIs421() throws IOException {
        for (String host : List.of("rebound.attacker.example", "rebound.attacker.example:" + root.getPort(),
                "127.0.0.2", "[::1]")) {
            try (RawHttp connection = RawHttp.connect(root.getPort())) {
                String answer = connection.send("GET /api/v1/regions HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .readAll(Duration.ofSeconds(2));
                assertThat(RawHttp.status(answer)).as("Host %s: %s", host, answer).isEqualTo(421);
                assertThat(answer).contains("urn:parallax:problem:misdirected-request");
            }
        }
        try (RawHttp connection = RawHttp.connect(root.getPort())) {
            String answer = connection.send("GET / HTTP/1.1\r\nHost: rebound.attacker.example\r\n\r\n")
                    .readAll(Duration.ofSeconds(2));
            assertThat(RawHttp.status(answer)).as("the page by another name: %s", answer).isEqualTo(421);
        }
        given().header("Host", "LOCALHOST.:" + root.getPort()).get("/api/v1/regions").then().statusCode(200);
        given().header("Host", "127.0.0.1").get("/api/v1/regions").then().statusCode(200);
    }

    @Test
    void aRequestFromAnotherWebPageIs403AndNothingIsStored() {
        String target = "cross-site-" + UUID.randomUUID() + ".example";
        String json = "{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"]}";
        for (String origin : List.of("https://attacker.example", "null", "http://localhost:1",
                "http://localhost:" + root.getPort() + ".attacker.example")) {
            Response refused = given().header("Origin", origin).contentType(ContentType.JSON).body(json)
                    .post("/api/v1/checks");
            assertThat(refused.statusCode()).as("a POST from the page at %s: %s", origin, refused.asString())
                    .isEqualTo(403);
            assertThat(refused.jsonPath().getString("type")).isEqualTo("urn:parallax:problem:origin-refused");
        }
        Response preflight = given().header("Origin", "https://attacker.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").options("/api/v1/checks");
        assertThat(preflight.statusCode()).as("a preflight from another page").isEqualTo(403);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target)).as("checks stored").isZero();

        given().header("Origin", "http://localhost:" + root.getPort()).contentType(ContentType.JSON).body(json)
                .post("/api/v1/checks").then().statusCode(202);
    }

    @Test
    void linksAreBuiltFromThePublicUrlNeverFromTheRequest() {
        Response accepted = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"eu-west\"]}")
                .post("/api/v1/checks");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = accepted.path("id");
        assertThat(accepted.header("Location")).isEqualTo("https://parallax.example.test/api/v1/checks/" + id);
        assertThat((String) accepted.path("self")).isEqualTo(accepted.header("Location"));
    }

    @Test
    void thePageIsServedWithAContentSecurityPolicyAndRevalidated() {
        for (String path : List.of("/", "/index.html", "/app.js", "/app.css")) {
            Response page = given().get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Security-Policy")).as(path + " CSP")
                    .contains("default-src 'self'").contains("frame-ancestors 'none'").contains("object-src 'none'");
            assertThat(page.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(page.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(page.header("Cache-Control")).as(path + " Cache-Control").isEqualTo("no-cache");
        }
        assertThat(given().get("/api/v1/regions").header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void streamsWhoseClientsHangUpAtOnceGiveTheirPlacesBack() throws Exception {
        String id = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"sa-east\"]}")
                .post("/api/v1/checks").then().statusCode(202).extract().path("id");
        // A caller of its own (anonymous callers are told apart by address), so that no other test's streams count.
        InetAddress caller = InetAddress.getByName("127.0.0.5");
        for (int i = 0; i < 5; i++) {
            try (RawHttp connection = RawHttp.connect(root.getPort(), caller)) {
                connection.send("GET /api/v1/checks/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
        }
        Thread.sleep(1_000);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(caller).build();
        try {
            for (int i = 0; i < 2; i++) {
                HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                        root.resolve("/api/v1/checks/" + id + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.statusCode()).as("a stream after five that hung up at once, of a caller allowed 2")
                        .isEqualTo(200);
            }
        } finally {
            http.shutdownNow();
        }
    }

    @Test
    void oneCallerMayHoldOnlyItsShareOfEventStreams() throws Exception {
        // A region without agents here: its check stays pending, and so does every stream of it.
        String id = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"sa-east\"]}")
                .post("/api/v1/checks").then().statusCode(202).extract().path("id");
        URI events = root.resolve("/api/v1/checks/" + id + "/events");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            // ofInputStream: the answer is there with its head; the body streams on until the check's deadline.
            List<CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                open.add(http.sendAsync(HttpRequest.newBuilder(events).build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
            }
            for (CompletableFuture<HttpResponse<java.io.InputStream>> stream : open) {
                assertThat(stream.get(10, TimeUnit.SECONDS).statusCode()).as("a stream within the caller's share")
                        .isEqualTo(200);
            }
            Response third = given().accept("text/event-stream").get("/api/v1/checks/" + id + "/events");
            assertThat(third.statusCode()).as("a third stream of one caller: %s", third.asString()).isEqualTo(429);
            assertThat(third.jsonPath().getString("type")).isEqualTo("urn:parallax:problem:too-many-streams");
            assertThat(third.header("Retry-After")).isEqualTo("5");
        } finally {
            // Not close(): it would wait for the streams, which last until the check's deadline.
            http.shutdownNow();
        }
    }

    private static void assertAnswersWithin(Duration patience, String what, java.util.function.Supplier<Response> call,
                                            int status) throws Exception {
        long start = System.nanoTime();
        Response response;
        try {
            response = CompletableFuture.supplyAsync(call).get(patience.toMillis() * 5, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " was not answered within " + patience.multipliedBy(5)
                    + " while " + STALLED + " request bodies stalled");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(response.statusCode()).as("%s while %d bodies stalled: %s", what, STALLED, response.asString())
                .isEqualTo(status);
        assertThat(took).as("%s answered while %d bodies stalled", what, STALLED).isLessThan(patience);
    }
}
