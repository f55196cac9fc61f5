package dev.parallax.coordinator.testinfra;

import io.restassured.http.ContentType;

import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Calls of the check API that several tests need. */
public final class Api {

    private Api() {
    }

    /** Submits a check and returns its id; fails the test unless the answer is 202. */
    public static UUID submit(String body) {
        String id = given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/checks")
                .then().statusCode(202)
                .extract().path("id");
        return UUID.fromString(id);
    }
}
