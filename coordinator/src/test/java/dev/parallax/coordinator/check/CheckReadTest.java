package dev.parallax.coordinator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.result.VerdictStore;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A check reads back (in one statement) with every region and port row exactly as stored, and only by its owner. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class CheckReadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    VerdictStore store;

    @Inject
    CheckService checks;

    @Test
    void checkWithRegionsInDifferentStatesReadsBackWithEveryFieldAsTheVerdictsStoredIt() throws Exception {
        JsonPath accepted = given().contentType(ContentType.JSON)
                .body("""
                        {"target": "127.0.0.1", "ports": [22, 80, 443], "timeoutMs": 1500,
                         "regions": ["us-east", "eu-west", "sa-east", "ap-south"]}
                        """)
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().jsonPath();
        UUID id = UUID.fromString(accepted.getString("id"));
        // Microseconds: what PostgreSQL keeps, so what comes back can equal what went in.
        Instant started = Instant.parse("2026-03-01T10:00:00.123456Z");
        // Handed to the store out of order: the read orders ports by port, then address.
        ProbeVerdict euWest = new ProbeVerdict(UUID.randomUUID(), id, "eu-west", "eu-west-7", RegionStatus.DONE, null,
                List.of("127.0.0.1", "::1"), 1_234, List.of(
                PortVerdict.of("::1", 443, Reason.CONN_REFUSED, 55),
                PortVerdict.of("127.0.0.1", 443, Reason.SYN_ACK, 310),
                PortVerdict.of("::1", 22, Reason.NO_RESPONSE, 1_500_000),
                PortVerdict.error("127.0.0.1", 22, 7, "socket: Too many open files"),
                PortVerdict.of("::1", 80, Reason.SYN_ACK, 12),
                PortVerdict.of("127.0.0.1", 80, Reason.HOST_UNREACH, 9_000_000_000L)),
                started, started.plusNanos(2_500_001_000L));
        ProbeVerdict usEast = new ProbeVerdict(UUID.randomUUID(), id, "us-east", "us-east-2", RegionStatus.DONE, null,
                List.of("127.0.0.1"), 0, List.of(
                PortVerdict.of("127.0.0.1", 443, Reason.SYN_ACK, 800),
                PortVerdict.of("127.0.0.1", 80, Reason.SELF_CONNECT, 3),
                PortVerdict.of("127.0.0.1", 22, Reason.ADMIN_PROHIBITED, 41)),
                started.plusSeconds(1), started.plusSeconds(2));
        ProbeVerdict saEast = new ProbeVerdict(UUID.randomUUID(), id, "sa-east", "sa-east-1", RegionStatus.UNRESOLVED,
                "NXDOMAIN from 10.0.0.2", List.of(), 777_000, List.of(), started, started.plusMillis(1));
        assertThat(store.storeAll(List.of(euWest, usEast, saEast))).extracting(VerdictStore.Stored::outcome)
                .as("all three verdicts stored").containsOnly(VerdictStore.Outcome.STORED);

        String body = given().when().get("/api/v1/checks/" + id).then().statusCode(200).extract().asString();
        JsonNode check = JSON.readTree(body);

        assertThat(check.path("id").asText()).isEqualTo(id.toString());
        assertThat(check.path("status").asText()).as("ap-south is still pending").isEqualTo("RUNNING");
        assertThat(check.path("target").asText()).isEqualTo("127.0.0.1");
        assertThat(check.path("ports").asText()).isEqualTo("22,80,443");
        assertThat(check.path("timeoutMs").asInt()).isEqualTo(1500);
        assertThat(check.path("ipFamily").asText()).isEqualTo("any");
        assertThat(check.path("createdAt").asText()).as("createdAt as the 202 gave it")
                .isEqualTo(accepted.getString("createdAt"));
        assertThat(check.path("deadline").asText()).as("deadline as the 202 gave it")
                .isEqualTo(accepted.getString("deadline"));
        assertThat(check.path("completedAt").isNull()).as("completedAt of a running check is null").isTrue();
        assertThat(check.path("regions")).as("regions by name, each with its port rows by port and address")
                .isEqualTo(JSON.readTree("""
                        [{"region": "ap-south", "status": "PENDING", "agentId": null, "message": null,
                          "resolvedAddresses": [], "resolveMicros": null, "startedAt": null, "finishedAt": null,
                          "ports": []},
                         {"region": "eu-west", "status": "DONE", "agentId": "eu-west-7", "message": null,
                          "resolvedAddresses": ["127.0.0.1", "::1"], "resolveMicros": 1234,
                          "startedAt": "2026-03-01T10:00:00.123456Z", "finishedAt": "2026-03-01T10:00:02.623457Z",
                          "ports": [
                            {"address": "127.0.0.1", "port": 22, "state": "ERROR", "reason": "local-error",
                             "rttMicros": 7, "message": "socket: Too many open files"},
                            {"address": "::1", "port": 22, "state": "FILTERED", "reason": "no-response",
                             "rttMicros": 1500000, "message": null},
                            {"address": "127.0.0.1", "port": 80, "state": "FILTERED", "reason": "host-unreach",
                             "rttMicros": 9000000000, "message": null},
                            {"address": "::1", "port": 80, "state": "OPEN", "reason": "syn-ack",
                             "rttMicros": 12, "message": null},
                            {"address": "127.0.0.1", "port": 443, "state": "OPEN", "reason": "syn-ack",
                             "rttMicros": 310, "message": null},
                            {"address": "::1", "port": 443, "state": "CLOSED", "reason": "conn-refused",
                             "rttMicros": 55, "message": null}]},
                         {"region": "sa-east", "status": "UNRESOLVED", "agentId": "sa-east-1",
                          "message": "NXDOMAIN from 10.0.0.2", "resolvedAddresses": [], "resolveMicros": 777000,
                          "startedAt": "2026-03-01T10:00:00.123456Z", "finishedAt": "2026-03-01T10:00:00.124456Z",
                          "ports": []},
                         {"region": "us-east", "status": "DONE", "agentId": "us-east-2", "message": null,
                          "resolvedAddresses": ["127.0.0.1"], "resolveMicros": 0,
                          "startedAt": "2026-03-01T10:00:01.123456Z", "finishedAt": "2026-03-01T10:00:02.123456Z",
                          "ports": [
                            {"address": "127.0.0.1", "port": 22, "state": "FILTERED", "reason": "admin-prohibited",
                             "rttMicros": 41, "message": null},
                            {"address": "127.0.0.1", "port": 80, "state": "CLOSED", "reason": "self-connect",
                             "rttMicros": 3, "message": null},
                            {"address": "127.0.0.1", "port": 443, "state": "OPEN", "reason": "syn-ack",
                             "rttMicros": 800, "message": null}]}]
                        """));
        assertThat(check.path("comparison").path("summary").asText())
                .as("the comparison sees every port row of both answering regions")
                .isEqualTo("80 open from eu-west; closed from us-east; filtered from eu-west."
                        + " 443 open from eu-west, us-east; closed from eu-west."
                        + " 22 filtered from eu-west, us-east; error from eu-west. No answer from ap-south, sa-east.");
    }

    @Test
    void checkReadsBackOnlyForItsOwner() {
        JsonPath accepted = given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [22], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().jsonPath();
        UUID id = UUID.fromString(accepted.getString("id"));

        CheckService.CheckRecord own = checks.find(id, Caller.ANONYMOUS_OWNER).orElseThrow(
                () -> new AssertionError("check " + id + " not found for the owner who submitted it"));
        assertThat(own.check().owner()).isEqualTo(Caller.ANONYMOUS_OWNER);
        assertThat(own.regions()).extracting(RegionResult::region, RegionResult::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("eu-west", RegionStatus.PENDING));
        assertThat(own.ports()).as("port rows of a check nobody answered yet").isEmpty();
        assertThat(checks.find(id, "someone-else")).as("the check read by another owner").isEmpty();
        assertThat(checks.find(UUID.randomUUID(), Caller.ANONYMOUS_OWNER)).as("a check that does not exist").isEmpty();
    }
}
