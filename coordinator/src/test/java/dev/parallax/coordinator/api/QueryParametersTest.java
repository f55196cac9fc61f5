package dev.parallax.coordinator.api;

import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

/**
 * Query parameters are checked by their constraints before a resource runs: every value that cannot be read is a 400
 * problem naming the parameter, saying what it accepts and quoting what was sent.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class QueryParametersTest {

    private String schedule;

    @BeforeEach
    void createSchedule() {
        schedule = "/api/v1/schedules/" + given().contentType(ContentType.JSON)
                .body("{\"target\": \"127.0.0.1\", \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"1h\"}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");
    }

    @AfterEach
    void deleteSchedule() {
        given().when().delete(schedule).then().statusCode(204);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a word for a limit              | /api/v1/checks?limit=ten          | limit     | limit must be a whole number from 1 to 100; got 'ten'
            a limit past its maximum        | /api/v1/checks?limit=101          | limit     | limit must be a whole number from 1 to 100; got '101'
            a limit of zero                 | /api/v1/checks?limit=0            | limit     | limit must be a whole number from 1 to 100; got '0'
            a limit in full-width digits    | /api/v1/checks?limit=%EF%BC%95    | limit     | limit must be a whole number from 1 to 100; got ''
            a limit past what an int holds  | /api/v1/checks?limit=99999999999  | limit     | limit must be a whole number from 1 to 100; got '99999999999'
            a filter that is not a boolean  | /api/v1/checks?divergent=maybe    | divergent | divergent must be true or false; got 'maybe'
            a cursor that is neither        | /api/v1/checks?before=yesterday   | before    | before must be a check id or an ISO-8601 instant such as 2026-01-31T12:00:00Z; got 'yesterday'
            a cursor before 1970            | /api/v1/checks?before=1969-12-31T23:59:59Z | before | before must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z; got '1969-12-31T23:59:59Z'
            """)
    void aListingParameterThatCannotBeReadIsAProblemNamingIt(String name, String path, String parameter,
                                                             String message) {
        refused(given().urlEncodingEnabled(false).when().get(path), path.replaceFirst("\\?.*", ""), parameter,
                message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an unknown window               | /uptime?window=1y                 | window | window must be 24h, 7d or 30d; got '1y'
            a window in other words         | /uptime?window=week               | window | window must be 24h, 7d or 30d; got 'week'
            a word for a limit of runs      | /history?limit=all                | limit  | limit must be a whole number from 1 to 500; got 'all'
            a limit of runs past its maximum | /history?limit=501               | limit  | limit must be a whole number from 1 to 500; got '501'
            a word for a start              | /history?from=yesterday           | from   | from must be an ISO-8601 instant such as 2026-01-31T12:00:00Z; got 'yesterday'
            an end past 9999                | /history?to=%2B10000-01-01T00:00:00Z | to  | to must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z; got '+10000-01-01T00:00:00Z'
            a start after the end           | /history?from=2026-11-26T08:00:00Z&to=2026-11-26T07:00:00Z | from | from must lie before to; got from 2026-11-26T08:00:00Z, to 2026-11-26T07:00:00Z
            a word for a limit of events    | /events?limit=all                 | limit  | limit must be a whole number from 1 to 500; got 'all'
            a negative limit of events      | /events?limit=-1                  | limit  | limit must be a whole number from 1 to 500; got '-1'
            """)
    void aScheduleParameterThatCannotBeReadIsAProblemNamingIt(String name, String query, String parameter,
                                                              String message) {
        String path = schedule + query;
        refused(given().urlEncodingEnabled(false).when().get(path), path.replaceFirst("\\?.*", ""), parameter,
                message);
    }

    @Test
    void everyParameterThatCannotBeReadIsNamedInOneProblem() {
        given().queryParam("limit", "ten").queryParam("divergent", "maybe")
                .when().get("/api/v1/checks")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", contains("divergent", "limit"))
                .body("detail", equalTo("divergent: divergent must be true or false; got 'maybe'; "
                        + "limit: limit must be a whole number from 1 to 100; got 'ten'"));
    }

    @Test
    void aStartAndAnEndThatCannotBeReadAreNamedWithoutTheirOrder() {
        given().queryParam("from", "0001-01-01T00:00:00Z").queryParam("to", "0002-01-01T00:00:00Z")
                .when().get(schedule + "/history")
                .then().statusCode(400)
                .body("errors.field", contains("from", "to"));
    }

    @Test
    void aValueQuotedBackIsCutToPrintableCharacters() {
        given().queryParam("window", "\u0007" + "x".repeat(150))
                .when().get(schedule + "/uptime")
                .then().statusCode(400)
                .body("errors[0].message", equalTo("window must be 24h, 7d or 30d; got '" + "x".repeat(100) + "…'"));
    }

    @Test
    void readableParametersAreAnswered() {
        given().queryParam("limit", "100").queryParam("divergent", "true")
                .queryParam("before", "2026-01-31T12:00:00Z")
                .when().get("/api/v1/checks").then().statusCode(200);
        given().queryParam("window", "30d").when().get(schedule + "/uptime").then().statusCode(200)
                .body("window", equalTo("30d"));
        given().queryParam("from", "2026-01-31T12:00:00Z").queryParam("to", "2026-02-01T12:00:00Z")
                .queryParam("limit", "500")
                .when().get(schedule + "/history").then().statusCode(200)
                .body("from", equalTo("2026-01-31T12:00:00Z")).body("to", equalTo("2026-02-01T12:00:00Z"));
        given().when().get(schedule + "/events").then().statusCode(200);
    }

    @Test
    void anEmptyParameterIsTakenAsAbsent() {
        given().urlEncodingEnabled(false).when().get("/api/v1/checks?limit=&divergent=&before=")
                .then().statusCode(200);
        given().urlEncodingEnabled(false).when().get(schedule + "/history?from=&to=&limit=")
                .then().statusCode(200).body("runs", empty());
        given().urlEncodingEnabled(false).when().get(schedule + "/uptime?window=")
                .then().statusCode(200).body("window", equalTo("24h"));
    }

    private static void refused(io.restassured.response.Response answer, String instance, String parameter,
                                String message) {
        ValidatableResponse refused = answer.then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:parallax:problem:invalid-request"))
                .body("title", equalTo("Invalid request"))
                .body("status", equalTo(400))
                .body("instance", equalTo(instance))
                .body("errors.field", contains(parameter))
                .body("errors[0].message", equalTo(message))
                .body("detail", equalTo(parameter + ": " + message));
        // Not Quarkus's own answer to a constraint violation.
        refused.body("$", not(hasKey("violations")));
    }
}
