package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** The schedule API's contract: create, read, list, change, pause and resume, delete; and what it refuses. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class ScheduleApiTest {

    @Inject
    AgroalDataSource db;

    @AfterEach
    void removeSchedules() {
        // Paused ones would not fire, but the tests share the database: leave nothing behind.
        Sql.update(db, "DELETE FROM schedules");
    }

    @Test
    void createdScheduleIsReadListedChangedPausedResumedAndDeleted() {
        String location = given().contentType(ContentType.JSON)
                .body("""
                        {"target": "127.0.0.1", "ports": [443, "8000-8002"], "regions": ["eu-west"],
                         "every": "1h", "timeoutMs": 500, "expect": "closed"}""")
                .when().post("/api/v1/schedules")
                .then().statusCode(201)
                .body("target", equalTo("127.0.0.1"))
                .body("ports", equalTo("443,8000-8002"))
                .body("regions", equalTo(java.util.List.of("eu-west")))
                .body("every", equalTo("PT1H"))
                .body("cron", nullValue())
                .body("expect", equalTo("CLOSED"))
                .body("paused", equalTo(false))
                .body("nextRunAt", notNullValue())
                .extract().header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        Instant created = Instant.now();
        Instant firstRun = Instant.parse(given().get(location).then().statusCode(200).extract().path("nextRunAt"));
        assertThat(firstRun).as("the first run is spread over the first interval")
                .isBetween(created.minusSeconds(5), created.plus(Duration.ofHours(1)));

        given().get("/api/v1/schedules").then().statusCode(200).body("id", hasItem(id));

        patch(id, "{\"paused\": true}").statusCode(200).body("paused", equalTo(true)).body("nextRunAt", nullValue());
        patch(id, "{\"paused\": false, \"cron\": \"0 0 * * * ?\", \"regions\": \"all\"}").statusCode(200)
                .body("paused", equalTo(false))
                .body("every", nullValue())
                .body("cron", equalTo("0 0 * * * ?"))
                .body("regions", equalTo("all"))
                .body("ports", equalTo("443,8000-8002"))
                .body("nextRunAt", containsString(":00:00"));

        given().delete(location).then().statusCode(204);
        given().get(location).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:parallax:problem:schedule-not-found"));
        given().delete(location).then().statusCode(404);
    }

    @Test
    void badSpecsAreRefusedWithAProblemNamingTheField() {
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"500ms\"}", "every", "shortest interval");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"soon\"}", "every", "not an interval");
        for (String endless : List.of("PT9223372036854775807S", "P106751991167D", "P5000000000D", "367d")) {
            refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"" + endless + "\"}", "every",
                    "at most 366 days");
        }
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"cron\": \"0 0 0 ? * MON#\"}", "cron",
                "not a Quartz cron expression");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"cron\": \"*/5 * * *\"}", "cron", "Quartz cron");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"cron\": \"0 0 0 1 1 ? 2020\"}", "cron",
                "no time left");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"1m\", \"cron\": \"0 * * * * ?\"}",
                "every", "not both");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443]}", "every", "how often");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"1m\", \"expect\": \"up\"}", "expect",
                "open (the default), closed or filtered");
        refused("{\"target\": \"example.com:443\", \"ports\": [0], \"every\": \"1m\"}", "target", "includes a port");
        refused("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"1m\", \"regions\": [\"mars\"]}",
                "regions", "unknown region");
        String base = "{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"1m\", \"alert\": ";
        refused(base + "{\"webhook\": \"ftp://example.com/x\"}}", "alert.webhook", "http(s) URL");
        refused(base + "{\"webhook\": \"https://user:pw@example.com/x\"}}", "alert.webhook", "no user info");
        refused(base + "{\"webhook\": \"http://10.0.0.1/hook\"}}", "alert.webhook", "refused by policy");
        refused(base + "{\"quorum\": 0}}", "alert.quorum", "from 1 to");
        refused(base + "{\"consecutive\": 11}}", "alert.consecutive", "from 1 to 10");
        refused(base + "{\"retries\": 3}}", "alert.retries", "unknown field");
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"1m\", \"color\": \"red\"}")
                .when().post("/api/v1/schedules")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unknown field 'color'"));
        assertThat(Sql.count(db, "SELECT count(*) FROM schedules")).as("nothing stored").isZero();
    }

    @Test
    void patchIsValidatedTogetherWithTheFieldsItKeeps() {
        String id = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [443], \"every\": \"1h\"}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        patch(id, "{\"every\": \"100ms\"}").statusCode(400).body("errors[0].field", equalTo("every"));
        patch(id, "{\"timeoutMs\": 1}").statusCode(400).body("errors[0].field", equalTo("timeoutMs"));
        given().get("/api/v1/schedules/" + id).then().statusCode(200).body("every", equalTo("PT1H"))
                .body("timeoutMs", equalTo(2000));
        patch("not-an-id", "{\"paused\": true}").statusCode(404);
    }

    private static ValidatableResponse patch(String id, String body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().patch("/api/v1/schedules/" + id)
                .then();
    }

    private static void refused(String body, String field, String detail) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/schedules")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:parallax:problem:invalid-request"))
                .body("errors.field", hasItem(field))
                .body("detail", containsString(detail));
    }
}
