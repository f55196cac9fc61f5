package dev.parallax.coordinator.api;

import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** Every bad request gets an RFC 9457 problem that says what to fix; nothing answers 500. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class ProblemDetailsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown field            | {"target":"example.com","ports":[443],"regions":["eu-west"],"timeout":5} | timeout   | unknown field
            port out of range        | {"target":"example.com","ports":[70000],"regions":["eu-west"]}            | ports     | port 70000 is out of range
            port zero                | {"target":"example.com","ports":[0],"regions":["eu-west"]}                | ports     | port 0 is out of range
            backwards range          | {"target":"example.com","ports":["9000-8000"],"regions":["eu-west"]}      | ports     | runs backwards
            port not a number        | {"target":"example.com","ports":["https"],"regions":["eu-west"]}          | ports     | is not a port
            port fractional          | {"target":"example.com","ports":[22.5],"regions":["eu-west"]}             | ports     | whole number
            empty port list          | {"target":"example.com","ports":[],"regions":["eu-west"]}                 | ports     | at least one port
            missing ports            | {"target":"example.com","regions":["eu-west"]}                            | ports     | at least one port
            too many ports           | {"target":"example.com","ports":["1-2000"],"regions":["eu-west"]}         | ports     | too many ports: at most 1024
            bad hostname             | {"target":"exa_mple.com","ports":[443],"regions":["eu-west"]}             | target    | '_'
            empty label              | {"target":"example..com","ports":[443],"regions":["eu-west"]}             | target    | empty label
            host and port together   | {"target":"example.com:443","ports":[443],"regions":["eu-west"]}          | target    | includes a port
            url as target            | {"target":"https://example.com/","ports":[443],"regions":["eu-west"]}     | target    | is a URL
            missing target           | {"ports":[443],"regions":["eu-west"]}                                     | target    | give a target
            blocked private address  | {"target":"10.1.2.3","ports":[443],"regions":["eu-west"]}                 | target    | 10.0.0.0/8
            bad region name          | {"target":"example.com","ports":[443],"regions":["EU West"]}              | regions   | region names are
            unknown region           | {"target":"example.com","ports":[443],"regions":["mars"]}                 | regions   | unknown region 'mars'; known regions: ap-south, eu-west
            regions of a wrong type  | {"target":"example.com","ports":[443],"regions":"eu-west"}                | regions   | a list of region names
            region not a string      | {"target":"example.com","ports":[443],"regions":[5]}                      | regions   | each region is a name
            limit out of range       | {"target":"example.com","ports":[443],"regions":["eu-west"],"limit":0}    | limit     | between 1 and 32
            timeout too long         | {"target":"example.com","ports":[443],"regions":["eu-west"],"timeoutMs":60000} | timeoutMs | between 100 and 10000
            unknown ip family        | {"target":"example.com","ports":[443],"regions":["eu-west"],"ipFamily":"ipv5"} | ipFamily  | got 'ipv5'
            family mismatch          | {"target":"::1","ports":[443],"regions":["eu-west"],"ipFamily":"ipv4"}    | ipFamily  | cannot probe the IPv6 address
            """)
    void invalidCheckIsRejectedWithAProblemNamingTheField(String name, String body, String field, String hint) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", equalTo("Invalid request"))
                .body("type", equalTo("urn:parallax:problem:invalid-request"))
                .body("instance", equalTo("/api/v1/checks"))
                .body("errors.find { it.field == '" + field + "' }.message", containsString(hint));
    }

    @Test
    void everyWrongFieldIsReportedAtOnce() {
        given().contentType(ContentType.JSON)
                .body("{\"target\":\"bad host\",\"ports\":[0],\"regions\":[\"eu-west\"],\"timeoutMs\":1}")
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .body("errors.field", hasItem("target"))
                .body("errors.field", hasItem("ports"))
                .body("errors.field", hasItem("timeoutMs"));
    }

    @Test
    void malformedJsonIsAProblemNotAStackTrace() {
        given().contentType(ContentType.JSON).body("{\"target\": \"example.com\", ")
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Malformed JSON"))
                .body("detail", containsString("not valid JSON"))
                .body("detail", not(containsString("at com.fasterxml")));
    }

    @Test
    void wrongJsonTypeNamesTheField() {
        given().contentType(ContentType.JSON).body("{\"target\":\"example.com\",\"ports\":443,\"regions\":[\"eu-west\"]}")
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("ports"));
    }

    /** What a problem says is in JSON's terms: never the Java type the body was being read into. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            target a list        | {"target":["a"],"ports":[443]}                                  | target    | must be a string
            timeout a word       | {"target":"example.com","ports":[443],"timeoutMs":"abc"}        | timeoutMs | must be a whole number; got 'abc'
            timeout a fraction   | {"target":"example.com","ports":[443],"timeoutMs":1500.5}       | timeoutMs | must be a whole number
            timeout too large    | {"target":"example.com","ports":[443],"timeoutMs":99999999999} | timeoutMs | out of range
            family a number      | {"target":"example.com","ports":[443],"ipFamily":4}             | ipFamily  | must be a string
            limit a boolean      | {"target":"example.com","ports":[443],"limit":true}             | limit     | must be a whole number
            ports an object      | {"target":"example.com","ports":{"a":1}}                        | ports     | must be a list
            """)
    void aWrongJsonTypeIsNamedInJsonsTermsNeverJavas(String name, String body, String field, String hint) {
        String answer = given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.find { it.field == '" + field + "' }.message", containsString(hint))
                .extract().asString();
        org.assertj.core.api.Assertions.assertThat(answer).as(name).doesNotContain("java.", "dev.parallax", "`",
                "Cannot deserialize", "Integer", "String");
    }

    @Test
    void emptyBodyIsRejected() {
        given().contentType(ContentType.JSON)
                .when().post("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void nonJsonBodyIsUnsupportedMediaType() {
        given().contentType(ContentType.TEXT).body("target=example.com")
                .when().post("/api/v1/checks")
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("detail", containsString("application/json"));
    }

    @Test
    void unknownCheckIdIsNotFound() {
        UUID id = UUID.randomUUID();
        given().when().get("/api/v1/checks/" + id)
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("title", equalTo("Check not found"))
                .body("detail", containsString(id.toString()));
    }

    @Test
    void malformedCheckIdIsNotFound() {
        given().when().get("/api/v1/checks/not-a-check")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", containsString("not-a-check"));
    }

    @Test
    void unknownRouteIsAProblemToo() {
        given().when().get("/api/v1/nothing-here")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("about:blank"))
                .body("title", equalTo("Not Found"));
    }

    @Test
    void wrongMethodIsAProblem() {
        given().when().delete("/api/v1/checks")
                .then().statusCode(405)
                .contentType("application/problem+json")
                .body("detail", containsString("/api/v1/checks"));
    }

    @Test
    void cursorBeyondWhatTheDatabaseStoresIsRejected() {
        given().queryParam("before", "-300000-01-01T00:00:00Z")
                .when().get("/api/v1/checks")
                .then().statusCode(400)
                .body("errors.field", hasItem("before"));
    }

    @ParameterizedTest(name = "limit={0}")
    @CsvSource({"0", "101", "ten", "-1"})
    void listingLimitOutsideItsRangeIsRejected(String limit) {
        given().queryParam("limit", limit)
                .when().get("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("limit"));
    }

    @Test
    void divergentFilterThatIsNotABooleanIsRejected() {
        given().queryParam("divergent", "maybe")
                .when().get("/api/v1/checks")
                .then().statusCode(400)
                .body("errors.field", hasItem("divergent"));
    }

    @Test
    void listingCursorThatIsNeitherIdNorInstantIsRejected() {
        given().queryParam("before", "yesterday")
                .when().get("/api/v1/checks")
                .then().statusCode(400)
                .body("errors.field", hasItem("before"));
    }
}
