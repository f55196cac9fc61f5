package dev.parallax.coordinator.auth;

import dev.parallax.coordinator.quota.QuotaBucketSweep;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-key token buckets on check cost and request rate, answered with 429 and the rate-limit headers. */
@QuarkusTest
@TestProfile(PublicDeployment.class)
@QuarkusTestResource(RealInfrastructure.class)
class QuotaTest {

    @Inject
    AgroalDataSource db;

    @Inject
    QuotaBucketSweep sweep;

    @Test
    void twiceTheHourlyCostFromOneKeyAcceptsExactlyTheBudgetAndAnswersTheRestWith429() {
        String owner = "budget-" + UUID.randomUUID();
        // Cost 2 a check (2 ports x 1 region), budget 12: six checks fit. Refill is 12 an hour, nothing in the
        // seconds this test takes.
        String key = Keys.issue(owner, "[\"checks:write\", \"checks:read\"]", ", \"costPerHour\": 12");

        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            answers.add(given().auth().oauth2(key).contentType(ContentType.JSON)
                    .body("{\"target\": \"example.com\", \"ports\": [80, 443], \"regions\": [\"eu-west\"]}")
                    .when().post("/api/v1/checks"));
        }

        List<Integer> statuses = answers.stream().map(Response::statusCode).toList();
        assertThat(statuses).as("answers to 12 checks of cost 2 against a budget of 12")
                .containsExactly(202, 202, 202, 202, 202, 202, 429, 429, 429, 429, 429, 429);
        for (int i = 0; i < 6; i++) {
            Response accepted = answers.get(i);
            assertThat(accepted.header("X-Request-Cost")).as("cost of check " + i).isEqualTo("2");
            assertThat(accepted.header("X-RateLimit-Limit")).isEqualTo("12");
            assertThat(accepted.header("X-RateLimit-Remaining")).as("remaining after check " + i)
                    .isEqualTo(String.valueOf(10 - 2 * i));
            assertThat(Long.parseLong(accepted.header("X-RateLimit-Reset"))).as("seconds until the budget is full")
                    .isBetween(1L, 3600L);
        }
        Response refused = answers.get(6);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.jsonPath().getString("type")).isEqualTo("urn:parallax:problem:quota-exceeded");
        assertThat(refused.header("X-RateLimit-Limit")).isEqualTo("12");
        assertThat(refused.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.header("X-Request-Cost")).isEqualTo("2");
        // Two tokens come back in 2 / (12 / 3600) = 600 s.
        assertThat(Long.parseLong(refused.header("Retry-After"))).as("Retry-After").isBetween(590L, 600L);
        assertThat(Long.parseLong(refused.header("X-RateLimit-Reset"))).as("X-RateLimit-Reset").isBetween(3590L, 3600L);
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE owner = ?", owner)).as("checks stored")
                .isEqualTo(6);
    }

    @Test
    void aCheckCostingMoreThanTheWholeBudgetIs400AndCostsNothing() {
        String key = Keys.issue("small-" + UUID.randomUUID(), "[\"checks:write\"]", ", \"costPerHour\": 5");

        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [\"1-3\"], \"regions\": [\"eu-west\", \"us-east\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .body("errors[0].message", org.hamcrest.Matchers.containsString("costs 6 (3 ports x 2 regions)"));
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [\"1-5\"], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202)
                .header("X-RateLimit-Remaining", "0");
    }

    @Test
    void aScheduleCostingMoreAnHourThanTheWholeBudgetIs400AndIsNotStored() {
        String owner = "greedy-" + UUID.randomUUID();
        String key = Keys.issue(owner, "[\"schedules:write\"]", ", \"costPerHour\": 20");

        Response refused = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [\"1-1024\"], \"regions\": [\"eu-west\", \"us-east\"],"
                        + " \"every\": \"10s\"}")
                .when().post("/api/v1/schedules");

        assertThat(refused.statusCode()).as("a schedule of 1,024 ports from 2 regions every 10 s on a budget of 20: %s",
                refused.asString()).isEqualTo(400);
        assertThat(refused.jsonPath().getString("errors[0].message")).contains("costs up to 737280 an hour",
                "1024 ports x 2 regions x 360 runs an hour", "more than the 20 your key may spend in an hour");
        assertThat(Sql.count(db, "SELECT count(*) FROM schedules WHERE owner = ?", owner)).isZero();
    }

    @Test
    void theActiveSchedulesOfAKeyMustFitItsHourlyBudgetTogether() {
        String owner = "two-schedules-" + UUID.randomUUID();
        String key = Keys.issue(owner, "[\"schedules:write\"]", ", \"costPerHour\": 100");
        String everyMinute = "{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"eu-west\"],"
                + " \"every\": \"1m\"}";

        Response first = given().auth().oauth2(key).contentType(ContentType.JSON).body(everyMinute)
                .when().post("/api/v1/schedules");
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(201);
        assertThat(first.jsonPath().getLong("costPerHour")).as("1 port x 1 region x 60 runs an hour").isEqualTo(60);
        Response second = given().auth().oauth2(key).contentType(ContentType.JSON).body(everyMinute)
                .when().post("/api/v1/schedules");
        assertThat(second.statusCode()).as("a second schedule of 60 an hour beside one of 60, budget 100: %s",
                second.asString()).isEqualTo(429);
        assertThat(second.jsonPath().getString("type")).isEqualTo("urn:parallax:problem:quota-exceeded");
        assertThat(second.jsonPath().getString("detail")).contains("already take 60 of the 100");
        assertThat(second.header("X-RateLimit-Limit")).isEqualTo("100");
        assertThat(second.header("X-RateLimit-Remaining")).isEqualTo("40");
        assertThat(second.header("X-Request-Cost")).isEqualTo("60");

        String firstId = first.path("id");
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"paused\": true}")
                .when().patch("/api/v1/schedules/" + firstId).then().statusCode(200);
        given().auth().oauth2(key).contentType(ContentType.JSON).body(everyMinute)
                .when().post("/api/v1/schedules").then().statusCode(201);
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"paused\": false}")
                .when().patch("/api/v1/schedules/" + firstId).then().statusCode(429);
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"every\": \"5m\", \"paused\": false}")
                .when().patch("/api/v1/schedules/" + firstId).then().statusCode(200)
                .body("costPerHour", org.hamcrest.Matchers.equalTo(12));
        assertThat(Sql.count(db, "SELECT count(*) FROM schedules WHERE owner = ? AND NOT paused", owner)).isEqualTo(2);
    }

    @Test
    void runsTheBudgetCannotPayForAreSkippedWithTheReasonAndAnEventAndResumeWhenItCan() {
        String owner = "starved-" + UUID.randomUUID();
        // 3,600 an hour refills one a second: a run of 1 port x 1 region a second is exactly what the budget pays.
        String key = Keys.issue(owner, "[\"schedules:write\", \"checks:write\", \"checks:read\"]",
                ", \"costPerHour\": 3600");
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks").then().statusCode(202);
        String subject = "key:" + Sql.rows(db, "SELECT id FROM api_keys WHERE owner = ?", owner).getFirst().get("id");
        // Spent, and 5 more: no run can be paid for during the next few seconds.
        Sql.update(db, "UPDATE quota_buckets SET tokens = -5, refilled_at = clock_timestamp()"
                + " WHERE subject = ? AND kind = 'cost'", subject);
        String id = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"1s\"}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");

        org.awaitility.Awaitility.await("runs skipped, then paid for again").atMost(java.time.Duration.ofSeconds(30))
                .until(() -> Sql.count(db, "SELECT count(*) FROM schedule_events WHERE schedule_id = ?"
                        + " AND kind = 'runs-resumed'", UUID.fromString(id)) == 1);
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"paused\": true}")
                .when().patch("/api/v1/schedules/" + id).then().statusCode(200);

        List<java.util.Map<String, Object>> firings = Sql.rows(db, "SELECT check_id, outcome FROM schedule_firings"
                + " WHERE schedule_id = ? ORDER BY fire_time", UUID.fromString(id));
        assertThat(firings.getFirst().get("check_id")).as("the first run, with the budget spent").isNull();
        assertThat((String) firings.getFirst().get("outcome")).startsWith("skipped: over budget: this run costs 1"
                + " (1 port x 1 region)").contains("of the hourly budget of 3600 is left");
        assertThat(firings.getLast().get("check_id")).as("the run that resumed").isNotNull();
        List<String> kinds = Sql.rows(db, "SELECT kind FROM schedule_events WHERE schedule_id = ? ORDER BY id",
                UUID.fromString(id)).stream().map(row -> (String) row.get("kind")).toList();
        assertThat(kinds).as("events of the schedule").containsExactly("runs-skipped", "runs-resumed");
        given().auth().oauth2(key).when().get("/api/v1/schedules/" + id + "/history").then().statusCode(200)
                .body("runs.outcome", org.hamcrest.Matchers.hasItem(
                        org.hamcrest.Matchers.startsWith("skipped: over budget")));
        given().auth().oauth2(key).when().get("/api/v1/schedules/" + id).then().statusCode(200)
                .body("overBudgetSince", org.hamcrest.Matchers.nullValue());
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE owner = ? AND schedule_id IS NOT NULL", owner))
                .as("runs submitted").isEqualTo(firings.stream().filter(f -> f.get("check_id") != null).count());
    }

    @Test
    void runsOfAScheduleWhoseKeyWasRevokedAreSkippedWithTheReason() {
        String owner = "revoked-" + UUID.randomUUID();
        String key = Keys.issue(owner, "[\"schedules:write\", \"checks:read\"]", "");
        String id = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"1s\"}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        UUID keyId = (UUID) Sql.rows(db, "SELECT id FROM api_keys WHERE owner = ?", owner).getFirst().get("id");
        given().auth().oauth2(PublicDeployment.ADMIN_KEY).when().delete("/api/v1/admin/keys/" + keyId)
                .then().statusCode(200);

        org.awaitility.Awaitility.await("a run skipped for the revoked key").atMost(java.time.Duration.ofSeconds(20))
                .until(() -> Sql.count(db, "SELECT count(*) FROM schedule_firings WHERE schedule_id = ?"
                        + " AND outcome LIKE 'skipped: the key this schedule is charged to was revoked%'",
                        UUID.fromString(id)) > 0);

        assertThat(Sql.count(db, "SELECT count(*) FROM schedule_events WHERE schedule_id = ? AND kind = 'runs-skipped'",
                UUID.fromString(id))).isEqualTo(1);
        Sql.update(db, "UPDATE schedules SET paused = true WHERE id = ?", UUID.fromString(id));
    }

    @Test
    void bucketsIdleForAnHourAreForgottenAndOthersKept() {
        String idle = "address:idle-" + UUID.randomUUID();
        String busy = "address:busy-" + UUID.randomUUID();
        Sql.update(db, "INSERT INTO quota_buckets (subject, kind, tokens, refilled_at) VALUES"
                + " (?, 'cost', 3, now() - interval '61 minutes'), (?, 'cost', 3, now() - interval '5 minutes')",
                idle, busy);

        sweep.sweep();

        assertThat(Sql.count(db, "SELECT count(*) FROM quota_buckets WHERE subject = ?", idle)).as("idle bucket")
                .isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM quota_buckets WHERE subject = ?", busy)).as("recent bucket")
                .isEqualTo(1);
    }

    @Test
    void requestsBeyondTheKeysRateAre429WithRetryAfter() {
        // One request a second, a burst of two.
        String key = Keys.issue("rate-" + UUID.randomUUID(), "[\"checks:read\"]", ", \"requestsPerSecond\": 1");

        long started = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        List<String> retryAfter = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Response answer = given().auth().oauth2(key).when().get("/api/v1/checks");
            statuses.add(answer.statusCode());
            if (answer.statusCode() == 429) {
                retryAfter.add(answer.header("Retry-After"));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        long accepted = statuses.stream().filter(status -> status == 200).count();
        assertThat(statuses).as("answers").containsOnly(200, 429).startsWith(200, 200);
        // The burst, plus one token a second for as long as the loop ran.
        assertThat(accepted).as("accepted of 6 in %.2f s at 1/s with a burst of 2: %s", seconds, statuses)
                .isBetween(2L, 2L + (long) Math.floor(seconds));
        assertThat(retryAfter).as("Retry-After of the refused ones").isNotEmpty().containsOnly("1");
    }
}
