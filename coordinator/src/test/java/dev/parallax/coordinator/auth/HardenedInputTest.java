package dev.parallax.coordinator.auth;

import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** What a public deployment refuses before anything is stored or queued: blocked targets, oversized requests. */
@QuarkusTest
@TestProfile(PublicDeployment.class)
@QuarkusTestResource(RealInfrastructure.class)
class HardenedInputTest {

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private String key;

    @BeforeEach
    void issueKey() {
        key = Keys.issue("hardening-" + UUID.randomUUID());
    }

    /** One address of every blocked range, then the encoded and ambiguous forms of loopback and the rest. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.1.2.3", "10.0.0.1", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.0.1",
            "192.0.0.8", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.19.255.1", "198.51.100.7", "203.0.113.9",
            "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:93.184.215.14",
            "64:ff9b::5db8:d70e", "64:ff9b:1::a", "100::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:10::1",
            "2001:20::1", "2001:db8::1", "2002:5db8:d70e::1", "fd00:ec2::254", "fe80::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::", "127.1", "2130706433",
            "0177.0.0.1", "[::1]", "0.0.0.0", "::169.254.169.254", "::a9fe:a9fe", "::7f00:1", "::127.0.0.1",
            "::ffff:0:169.254.169.254", "::ffff:0:a9fe:a9fe", "::ffff:0:7f00:1", "::5db8:d70e",
            "2a00:1450::5efe:a9fe:a9fe"})
    void aBlockedOrAmbiguousTargetIsRefusedWith400AndNothingIsStored(String target) {
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("target"))
                .body("errors[0].message", anyOf(containsString("refused by policy"), containsString("not a"),
                        containsString("neither")));
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ? OR target = ?", target,
                target.replace("[", "").replace("]", ""))).as("checks stored for " + target).isZero();
    }

    /** Webhooks are held to the same policy: an IPv6 form of a blocked IPv4 address is no way round it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[::a9fe:a9fe]", "[::7f00:1]", "[::ffff:0:a9fe:a9fe]", "[::ffff:169.254.169.254]",
            "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::1]", "[2a00:1450::5efe:a00:1]", "169.254.169.254"})
    void aWebhookAtABlockedAddressInAnyFormIsRefusedWith400(String host) {
        String target = "webhook-" + UUID.randomUUID() + ".example";
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"" + target + "\", \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"1m\","
                        + " \"alert\": {\"webhook\": \"http://" + host + "/hook\"}}")
                .when().post("/api/v1/schedules")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("alert.webhook"))
                .body("errors[0].message", containsString("refused by policy"));
        assertThat(Sql.count(db, "SELECT count(*) FROM schedules WHERE target = ?", target)).isZero();
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsRead() {
        String padding = "x".repeat(9_000);
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"example.com\", \"ports\": [443], \"regions\": [\"eu-west\"], \"pad\": \""
                        + padding + "\"}")
                .when().post("/api/v1/checks")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:parallax:problem:request-too-large"))
                .body("detail", containsString("at most 8192"));
    }

    @Test
    void moreThanTheMaximumOfPortsIs400AndQueuesNoJob() {
        String capped = "port-cap-" + UUID.randomUUID() + ".example";
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"" + capped + "\", \"ports\": [\"1-1025\"], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("ports"))
                .body("errors[0].message", containsString("too many ports: at most 1024"));
        String marker = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"target\": \"marker.example\", \"ports\": [443], \"regions\": [\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(202).extract().path("id");

        List<ConsumerRecord<String, String>> jobs = KafkaTestClient.readUntilKey(bootstrap, "parallax.jobs.eu-west",
                marker, Duration.ofSeconds(30));

        assertThat(jobs).as("jobs on Kafka up to the marker check's").noneMatch(job -> job.value().contains(capped));
        assertThat(Sql.count(db, "SELECT count(*) FROM outbox_events WHERE payload LIKE ?", "%" + capped + "%"))
                .as("outbox rows for the refused check").isZero();
        assertThat(Sql.count(db, "SELECT count(*) FROM checks WHERE target = ?", capped)).isZero();
    }
}
