package dev.parallax.coordinator.schedule;

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
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Schedules firing for real on the coordinator's clock, and what their history and uptime then say. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class ScheduleRunsTest {

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @AfterEach
    void removeSchedules() {
        Sql.update(db, "DELETE FROM schedules");
    }

    @Test
    void scheduleFiresOnItsGridAndItsRunsMakeItsHistoryAndUptime() {
        String id = given().contentType(ContentType.JSON)
                .body("""
                        {"target": "127.0.0.1", "ports": [443, 8443], "regions": ["eu-west", "us-east"],
                         "every": "1s", "timeoutMs": 500}""")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        await("four runs").atMost(Duration.ofSeconds(20)).until(() -> firings(id).size() >= 4);
        given().contentType(ContentType.JSON).body("{\"paused\": true}")
                .when().patch("/api/v1/schedules/" + id).then().statusCode(200);

        List<Map<String, Object>> firings = firings(id);
        for (int i = 1; i < firings.size(); i++) {
            Instant previous = ((Timestamp) firings.get(i - 1).get("fire_time")).toInstant();
            Instant current = ((Timestamp) firings.get(i).get("fire_time")).toInstant();
            assertThat(Duration.between(previous, current)).as("due times %s and %s: the grid does not drift",
                    previous, current).isEqualTo(Duration.ofSeconds(1));
        }
        for (Map<String, Object> firing : firings) {
            assertThat(firing.get("check_id")).as("each run submitted a check: %s", firing).isNotNull();
            assertThat(Duration.between(((Timestamp) firing.get("fire_time")).toInstant(),
                    ((Timestamp) firing.get("fired_at")).toInstant())).as("lateness of %s", firing)
                    .isLessThan(Duration.ofSeconds(2));
        }
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE schedule_id = ?", UUID.fromString(id)))
                .as("checks of the schedule").isEqualTo(firings.size());

        // Answer every run as the agents would: 443 open from eu-west, filtered from us-east; 8443 closed.
        for (Map<String, Object> firing : firings) {
            UUID check = (UUID) firing.get("check_id");
            KafkaTestClient.publish(bootstrap, Topics.VERDICTS, check.toString(), WireJson.write(Verdicts.done(check,
                    "eu-west", new PortVerdict("127.0.0.1", 443, PortState.OPEN, Reason.SYN_ACK, 900, null),
                    new PortVerdict("127.0.0.1", 8443, PortState.CLOSED, Reason.CONN_REFUSED, 300, null))));
            KafkaTestClient.publish(bootstrap, Topics.VERDICTS, check.toString(), WireJson.write(Verdicts.done(check,
                    "us-east", new PortVerdict("127.0.0.1", 443, PortState.FILTERED, Reason.NO_RESPONSE, 500_000,
                            null),
                    new PortVerdict("127.0.0.1", 8443, PortState.CLOSED, Reason.CONN_REFUSED, 700, null))));
        }
        await("every run complete").atMost(Duration.ofSeconds(30)).until(() -> Sql.count(db,
                "SELECT count(*) FROM checks WHERE schedule_id = ? AND status <> 'COMPLETE'", UUID.fromString(id))
                == 0);

        JsonPath history = given().get("/api/v1/schedules/" + id + "/history").then().statusCode(200)
                .extract().jsonPath();
        int runs = firings.size();
        assertThat(history.getList("runs")).as("runs in the history").hasSize(runs);
        assertThat(history.getString("runs[0].dueAt")).as("newest first")
                .isEqualTo(((Timestamp) firings.getLast().get("fire_time")).toInstant().toString());
        assertThat(history.getList("runs[0].regions.region")).containsExactly("eu-west", "us-east");
        assertThat(history.getList("runs[0].regions[0].ports.state")).containsExactly("OPEN", "CLOSED");
        assertThat(history.getList("runs[0].regions[1].ports.state")).containsExactly("FILTERED", "CLOSED");
        assertThat(history.getString("runs[0].check")).endsWith("/api/v1/checks/" + history.getString(
                "runs[0].checkId"));

        // Uptime reads the hourly aggregates, which the rollup adds each completed run into (every second here).
        await("every run rolled up").atMost(Duration.ofSeconds(30)).until(() -> Sql.count(db,
                "SELECT count(*) FROM checks WHERE schedule_id = ? AND rolled_up_at IS NULL", UUID.fromString(id))
                == 0);
        JsonPath uptime = given().get("/api/v1/schedules/" + id + "/uptime?window=24h").then().statusCode(200)
                .extract().jsonPath();
        assertThat(uptime.getList("regions.region")).containsExactly("eu-west", "us-east");
        assertThat(uptime.getLong("regions[0].runs")).isEqualTo(runs);
        assertThat(uptime.getLong("regions[0].answered")).isEqualTo(runs);
        assertThat(uptime.getDouble("regions[0].ports[0].availability")).as("443 from eu-west").isEqualTo(1.0);
        assertThat(uptime.getDouble("regions[0].ports[0].latencyMicros.p50"))
                .as("estimated from a histogram narrowed to the least and greatest time seen, all 900 us")
                .isEqualTo(900.0);
        assertThat(uptime.getDouble("regions[0].ports[1].availability")).as("8443 from eu-west").isEqualTo(0.0);
        assertThat(uptime.getDouble("regions[1].ports[0].availability")).as("443 from us-east").isEqualTo(0.0);
        assertThat(uptime.getString("regions[1].ports[0].latencyMicros.p50"))
                .as("a filtered port has no connect time").isNull();
        assertThat(uptime.getLong("regions[1].ports[0].samples")).isEqualTo(runs);

        given().get("/api/v1/schedules/" + id + "/uptime?window=1y").then().statusCode(400);
        given().get("/api/v1/schedules/" + id + "/history?from=yesterday").then().statusCode(400);
        for (String range : List.of("from=-999999999-01-01T00:00:00Z", "to=+999999999-12-31T23:59:59Z",
                "from=0001-01-01T00:00:00Z&to=0002-01-01T00:00:00Z")) {
            given().get("/api/v1/schedules/" + id + "/history?" + range).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].message", org.hamcrest.Matchers.containsString("must lie between"));
        }
    }

    @Test
    void runWithoutAnyLiveRegionIsRecordedWithTheReason() {
        // No agent has reported in this test database, so "all" finds no region to probe from.
        String id = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [443], \"regions\": \"all\", \"every\": \"1s\"}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        await("a run").atMost(Duration.ofSeconds(20)).until(() -> !firings(id).isEmpty());

        Map<String, Object> firing = firings(id).getFirst();
        assertThat(firing.get("check_id")).as("no check without a region").isNull();
        assertThat((String) firing.get("outcome")).contains("no region has a live agent");
        given().get("/api/v1/schedules/" + id + "/history").then().statusCode(200)
                .body("runs[0].outcome", org.hamcrest.Matchers.containsString("no region has a live agent"));
    }

    private List<Map<String, Object>> firings(String id) {
        return Sql.rows(db, "SELECT fire_time, fired_at, check_id, outcome FROM schedule_firings"
                + " WHERE schedule_id = ? ORDER BY fire_time", UUID.fromString(id));
    }
}
