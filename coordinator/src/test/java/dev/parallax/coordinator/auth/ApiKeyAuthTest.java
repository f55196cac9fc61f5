package dev.parallax.coordinator.auth;

import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Who may call, and what each caller sees: keys, scopes, revocation, and owners that never see each other. */
@QuarkusTest
@TestProfile(PublicDeployment.class)
@QuarkusTestResource(RealInfrastructure.class)
class ApiKeyAuthTest {

    private static final String CHECK = """
            {"target": "example.com", "ports": [443], "regions": ["eu-west"]}""";

    @Inject
    AgroalDataSource db;

    @Test
    void aRequestWithoutAKeyIsRefusedWith401AndAChallenge() {
        String target = "no-key-" + UUID.randomUUID() + ".example";
        given().contentType(ContentType.JSON)
                .body("{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("type", equalTo("urn:parallax:problem:unauthenticated"))
                .body("detail", containsString("Authorization: Bearer"));
        given().when().get("/api/v1/regions").then().statusCode(401);
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", target))
                .as("checks stored from an unauthenticated call").isZero();
    }

    @Test
    void aMalformedHeaderOrAnUnknownKeyIsRefusedWith401() {
        given().header("Authorization", "Basic dXNlcjpwYXNz").when().get("/api/v1/checks")
                .then().statusCode(401).body("detail", containsString("'Bearer <key>'"));
        given().auth().oauth2("pxk_not-a-key-anyone-issued").when().get("/api/v1/checks")
                .then().statusCode(401).body("detail", equalTo("unknown API key"));
    }

    @Test
    void anIssuedKeyIsShownOnceAndStoredOnlyAsAHash() {
        String owner = "owner-" + UUID.randomUUID();
        var issued = given().auth().oauth2(PublicDeployment.ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"name\": \"ci\", \"owner\": \"" + owner + "\", \"scopes\": [\"checks:read\"]}")
                .when().post("/api/v1/admin/keys")
                .then().statusCode(201)
                .body("owner", equalTo(owner))
                .body("scopes", equalTo(List.of("checks:read")))
                .body("costPerHour", equalTo(10000))
                .extract();
        String key = issued.path("key");
        String id = issued.path("id");
        assertThat(key).as("the new key").startsWith("pxk_").hasSizeGreaterThan(40);

        given().auth().oauth2(PublicDeployment.ADMIN_KEY).when().get("/api/v1/admin/keys")
                .then().statusCode(200)
                .body("find { it.id == '" + id + "' }.key", nullValue())
                .body("find { it.id == '" + id + "' }.keyPrefix", equalTo(key.substring(0, 11)));
        List<Map<String, Object>> stored = Sql.rows(db, "SELECT key_hash, key_prefix, name, owner, array_to_string("
                + "scopes, ',') AS scopes FROM api_keys WHERE id = ?", UUID.fromString(id));
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst().values()).as("columns of the stored key")
                .noneMatch(value -> String.valueOf(value).contains(key.substring(4)));
        assertThat((String) stored.getFirst().get("key_hash")).hasSize(64);
    }

    @Test
    void anotherOwnersCheckAndScheduleAre404AndNeverListed() {
        String keyA = Keys.issue("owner-a-" + UUID.randomUUID());
        String keyB = Keys.issue("owner-b-" + UUID.randomUUID());
        String checkId = given().auth().oauth2(keyA).contentType(ContentType.JSON).body(CHECK)
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().path("id");
        String scheduleId = given().auth().oauth2(keyA).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"1h\"}")
                .when().post("/api/v1/schedules")
                .then().statusCode(201).extract().path("id");

        given().auth().oauth2(keyA).when().get("/api/v1/checks/" + checkId).then().statusCode(200);
        given().auth().oauth2(keyB).when().get("/api/v1/checks/" + checkId)
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:parallax:problem:check-not-found"));
        given().auth().oauth2(keyB).when().get("/api/v1/checks")
                .then().statusCode(200).body("checks.id", not(hasItem(checkId)));
        given().auth().oauth2(keyA).when().get("/api/v1/checks")
                .then().statusCode(200).body("checks.id", hasItem(checkId));
        given().auth().oauth2(keyB).when().get("/api/v1/checks?before=" + checkId)
                .then().statusCode(400).body("detail", containsString("no check with id"));

        given().auth().oauth2(keyB).when().get("/api/v1/schedules/" + scheduleId).then().statusCode(404);
        given().auth().oauth2(keyB).when().get("/api/v1/schedules/" + scheduleId + "/history").then().statusCode(404);
        given().auth().oauth2(keyB).when().delete("/api/v1/schedules/" + scheduleId).then().statusCode(404);
        given().auth().oauth2(keyB).when().get("/api/v1/schedules")
                .then().statusCode(200).body("id", not(hasItem(scheduleId)));
        given().auth().oauth2(keyA).when().get("/api/v1/schedules/" + scheduleId).then().statusCode(200);
        assertThat(Sql.rows(db, "SELECT owner FROM checks WHERE id = ?", UUID.fromString(checkId)).getFirst()
                .get("owner")).as("owner of the stored check").asString().startsWith("owner-a-");
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() {
        String owner = "owner-" + UUID.randomUUID();
        var issued = given().auth().oauth2(PublicDeployment.ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"name\": \"laptop\", \"owner\": \"" + owner + "\", \"scopes\": [\"checks:read\"]}")
                .when().post("/api/v1/admin/keys")
                .then().statusCode(201).extract();
        String key = issued.path("key");
        given().auth().oauth2(key).when().get("/api/v1/checks").then().statusCode(200);

        given().auth().oauth2(PublicDeployment.ADMIN_KEY).when().delete("/api/v1/admin/keys/" + issued.path("id"))
                .then().statusCode(200).body("revokedAt", notNullValue());

        given().auth().oauth2(key).when().get("/api/v1/checks")
                .then().statusCode(401).body("detail", containsString("was revoked at"));
    }

    @Test
    void aKeyWithoutTheScopeIsRefusedWith403() {
        String readOnly = Keys.issue("reader-" + UUID.randomUUID(), "[\"checks:read\"]", "");

        given().auth().oauth2(readOnly).contentType(ContentType.JSON).body(CHECK)
                .when().post("/api/v1/checks")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("checks:write"));
        given().auth().oauth2(readOnly).when().get("/api/v1/admin/keys")
                .then().statusCode(403).body("detail", containsString("admin"));
        given().auth().oauth2(readOnly).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"every\": \"1h\"}")
                .when().post("/api/v1/schedules")
                .then().statusCode(403).body("detail", containsString("schedules:write"));
    }

    @Test
    void aBadKeyRequestGetsEveryProblemAtOnce() {
        given().auth().oauth2(PublicDeployment.ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"name\": \"\", \"owner\": \"anonymous\", \"scopes\": [\"checks:delete\"], \"costPerHour\": 0}")
                .when().post("/api/v1/admin/keys")
                .then().statusCode(400)
                .body("errors.field", equalTo(List.of("name", "owner", "scopes", "costPerHour")))
                .body("errors.find { it.field == 'scopes' }.message", containsString("unknown scope 'checks:delete'"));
        given().auth().oauth2(PublicDeployment.ADMIN_KEY).when().delete("/api/v1/admin/keys/" + UUID.randomUUID())
                .then().statusCode(404).body("type", equalTo("urn:parallax:problem:api-key-not-found"));
    }
}
