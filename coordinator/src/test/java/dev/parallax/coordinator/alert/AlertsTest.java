package dev.parallax.coordinator.alert;

import com.sun.net.httpserver.HttpServer;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import dev.parallax.coordinator.testinfra.Verdicts;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alerting end to end inside the coordinator: runs fire, verdicts come back as the agents would send them, the
 * evaluator confirms changes, and a webhook receiver on loopback gets each event, signed, after failing twice.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class AlertsTest {

    private static final List<String> REGIONS = List.of("ap-south", "eu-west", "us-east");
    /** The state of port 443 from each region, run by run. */
    private static final List<Map<String, PortState>> RUNS = List.of(
            states(PortState.OPEN, PortState.OPEN, PortState.OPEN),
            states(PortState.OPEN, PortState.OPEN, PortState.OPEN),
            // eu-west flaps once: below `consecutive`, never an event.
            states(PortState.OPEN, PortState.FILTERED, PortState.OPEN),
            states(PortState.OPEN, PortState.OPEN, PortState.OPEN),
            // us-east and ap-south go down and stay down: confirmed on the second run.
            states(PortState.FILTERED, PortState.OPEN, PortState.FILTERED),
            states(PortState.FILTERED, PortState.OPEN, PortState.FILTERED),
            states(PortState.OPEN, PortState.OPEN, PortState.OPEN),
            states(PortState.OPEN, PortState.OPEN, PortState.OPEN));

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private HttpServer receiver;
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> callsPerEvent = new ConcurrentHashMap<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String eventId = exchange.getRequestHeaders().getFirst("X-Parallax-Event-Id");
            received.add(Map.of("body", body, "eventId", String.valueOf(eventId),
                    "signature", String.valueOf(exchange.getRequestHeaders().getFirst("X-Parallax-Signature")),
                    "attempt", String.valueOf(exchange.getRequestHeaders().getFirst("X-Parallax-Attempt"))));
            // Fails the first two deliveries of each event; the third succeeds.
            int call = callsPerEvent.computeIfAbsent(String.valueOf(eventId), id -> new AtomicInteger())
                    .incrementAndGet();
            exchange.sendResponseHeaders(call <= 2 ? 500 : 204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiverAndRemoveSchedules() {
        receiver.stop(0);
        Sql.update(db, "DELETE FROM schedules");
    }

    @Test
    void flappingStaysQuietAQuorumDownAlertsDisagreementIsAnEventAndTheWebhookGetsEachSignedEvent()
            throws Exception {
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        JsonPath created = given().contentType(ContentType.JSON)
                .body("""
                        {"target": "127.0.0.1", "ports": [443], "regions": ["eu-west", "us-east", "ap-south"],
                         "every": "1s", "timeoutMs": 500,
                         "alert": {"webhook": "%s", "quorum": 2, "consecutive": 2}}""".formatted(hook))
                .when().post("/api/v1/schedules").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        String secret = created.getString("alert.secret");
        assertThat(secret).as("the webhook secret, shown once").isNotBlank();
        given().get("/api/v1/schedules/" + id).then().statusCode(200)
                .body("alert.quorum", org.hamcrest.Matchers.equalTo(2))
                .body("alert.secret", org.hamcrest.Matchers.nullValue());

        for (int run = 0; run < RUNS.size(); run++) {
            int wanted = run + 1;
            await("run " + wanted).atMost(Duration.ofSeconds(20)).until(() -> checks(id).size() >= wanted);
            UUID check = checks(id).get(run);
            for (Map.Entry<String, PortState> seen : RUNS.get(run).entrySet()) {
                PortState state = seen.getValue();
                Reason reason = state == PortState.OPEN ? Reason.SYN_ACK : Reason.NO_RESPONSE;
                KafkaTestClient.publish(bootstrap, Topics.VERDICTS, check.toString(), WireJson.write(Verdicts.done(
                        check, seen.getKey(), new PortVerdict("127.0.0.1", 443, state, reason,
                                state == PortState.OPEN ? 800 : 500_000, null))));
            }
        }
        given().contentType(ContentType.JSON).body("{\"paused\": true}")
                .when().patch("/api/v1/schedules/" + id).then().statusCode(200);

        await("the eight runs evaluated").atMost(Duration.ofSeconds(30)).until(() -> Sql.count(db, """
                SELECT count(*) FROM (SELECT c.evaluated_at FROM schedule_firings f JOIN checks c ON c.id = f.check_id
                                       WHERE f.schedule_id = ? ORDER BY f.fire_time LIMIT ?) first
                 WHERE evaluated_at IS NOT NULL""", UUID.fromString(id), RUNS.size()) == RUNS.size());

        List<Map<String, Object>> events = Sql.rows(db, """
                SELECT e.kind, e.region, e.check_id FROM schedule_events e
                 WHERE e.schedule_id = ? ORDER BY e.id""", UUID.fromString(id));
        List<UUID> runChecks = checks(id);
        assertThat(events).as("events, oldest first").extracting(e -> e.get("kind") + "@" + e.get("region"))
                .containsExactly("port-down@ap-south", "port-down@us-east", "alert-firing@null",
                        "divergence-started@null",
                        "port-up@ap-south", "port-up@us-east", "alert-resolved@null", "divergence-ended@null");
        assertThat(events.subList(0, 4)).as("confirmed on the sixth run, the second one down")
                .allSatisfy(e -> assertThat(e.get("check_id")).isEqualTo(runChecks.get(5)));
        assertThat(events.subList(4, 8)).as("recovered on the eighth run")
                .allSatisfy(e -> assertThat(e.get("check_id")).isEqualTo(runChecks.get(7)));

        await("every event delivered").atMost(Duration.ofSeconds(30)).until(() -> Sql.count(db, """
                SELECT count(*) FROM webhook_deliveries d JOIN schedule_events e ON e.id = d.event_id
                 WHERE e.schedule_id = ? AND d.status = 'DELIVERED'""", UUID.fromString(id)) == 8);
        assertThat(received).as("requests the receiver got: 8 events x (2 failures + 1 success)").hasSize(24);
        for (Map<String, String> request : received) {
            assertThat(request.get("signature")).as("signature of %s", request.get("body"))
                    .isEqualTo("sha256=" + hmac(secret, request.get("body")));
            assertThat(request.get("body")).contains("\"eventId\":\"" + request.get("eventId") + "\"");
        }

        JsonPath listed = given().get("/api/v1/schedules/" + id + "/events").then().statusCode(200)
                .extract().jsonPath();
        assertThat(listed.getList("kind")).as("newest first").first().isEqualTo("divergence-ended");
        assertThat(listed.getList("delivery.status")).containsOnly("DELIVERED");
        assertThat(listed.getList("delivery[0].attempts.httpStatus")).containsExactly(500, 500, 204);
        assertThat(listed.getString("summary[7]")).isEqualTo(
                "443 down from ap-south: FILTERED/no-response in 2 run(s) in a row (expected OPEN)");
    }

    private List<UUID> checks(String scheduleId) {
        return Sql.rows(db, "SELECT check_id FROM schedule_firings WHERE schedule_id = ? AND check_id IS NOT NULL"
                        + " ORDER BY fire_time", UUID.fromString(scheduleId))
                .stream().map(row -> (UUID) row.get("check_id")).toList();
    }

    private static Map<String, PortState> states(PortState apSouth, PortState euWest, PortState usEast) {
        return Map.of(REGIONS.get(0), apSouth, REGIONS.get(1), euWest, REGIONS.get(2), usEast);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
