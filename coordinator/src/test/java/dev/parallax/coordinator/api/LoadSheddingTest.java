package dev.parallax.coordinator.api;

import dev.parallax.coordinator.testinfra.Management;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beyond {@code parallax.api.max-in-flight} requests in flight, the next API request is answered 503 at once, while
 * health and metrics still answer; the requests in flight finish normally and free their places. Requests are held in
 * flight for real: a transaction of the test's locks the check-cost buckets, which every submission takes from.
 */
@QuarkusTest
@TestProfile(LoadSheddingTest.ThreeInFlight.class)
@QuarkusTestResource(RealInfrastructure.class)
class LoadSheddingTest {

    public static class ThreeInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parallax.api.max-in-flight", "3");
        }
    }

    private static final Duration AT_MOST = Duration.ofSeconds(15);

    @Inject
    AgroalDataSource db;

    @Test
    void aRequestBeyondTheBoundIs503WithRetryAfterAndTheOthersFinish() throws Exception {
        // The caller's cost bucket exists once it has submitted a check.
        submit().then().statusCode(202);

        List<CompletableFuture<Integer>> held = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(4); Connection locker = db.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("SELECT * FROM quota_buckets WHERE kind = 'cost' FOR UPDATE");
            }
            for (int i = 0; i < 3; i++) {
                held.add(CompletableFuture.supplyAsync(() -> submit().statusCode(), clients));
            }
            awaitLockWaiters(3);

            Response shed;
            try {
                shed = CompletableFuture.supplyAsync(() -> given().when().get("/api/v1/regions"), clients)
                        .get(AT_MOST.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("a fourth API request while three are in flight was not answered within "
                        + AT_MOST + ": it was queued instead of shed");
            }
            assertThat(shed.statusCode()).as("a fourth API request while three are in flight: %s", shed.asString())
                    .isEqualTo(503);
            assertThat(shed.contentType()).startsWith("application/problem+json");
            assertThat(shed.jsonPath().getString("type")).isEqualTo("urn:parallax:problem:overloaded");
            assertThat(shed.header("Retry-After")).as("Retry-After").isEqualTo("1");
            Management.given().when().get("/q/health/live").then().statusCode(200);
            String metrics = Management.given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).as("the in-flight gauge and the shed counter")
                    .contains("parallax_api_requests_in_flight 3.0")
                    .containsPattern("parallax_api_requests_shed_total [1-9]");

            locker.rollback();
            for (CompletableFuture<Integer> request : held) {
                assertThat(request.get(AT_MOST.toSeconds(), TimeUnit.SECONDS)).as("a submission that was in flight")
                        .isEqualTo(202);
            }
        }
        for (int i = 0; i < 5; i++) {
            given().when().get("/api/v1/regions").then().statusCode(200);
        }
    }

    private static Response submit() {
        return given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [9], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks");
    }

    private void awaitLockWaiters(int count) throws InterruptedException {
        long until = System.nanoTime() + AT_MOST.toNanos();
        long waiting = 0;
        while (System.nanoTime() < until) {
            waiting = Sql.count(db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
            if (waiting >= count) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + count + " submissions waiting for the cost bucket's lock within " + AT_MOST
                + ", saw " + waiting);
    }
}
