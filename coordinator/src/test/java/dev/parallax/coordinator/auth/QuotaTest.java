package dev.parallax.coordinator.auth;

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
