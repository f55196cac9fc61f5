package dev.parallax.coordinator.auth;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/** Issues API keys through the admin API, as an operator would. */
final class Keys {

    private Keys() {
    }

    /** A new key's secret; fails the test unless the answer is 201. */
    static String issue(String owner, String scopesJson, String extraFields) {
        return given().auth().oauth2(PublicDeployment.ADMIN_KEY).contentType(ContentType.JSON)
                .body("{\"name\": \"test key of " + owner + "\", \"owner\": \"" + owner + "\", \"scopes\": "
                        + scopesJson + extraFields + "}")
                .when().post("/api/v1/admin/keys")
                .then().statusCode(201)
                .extract().path("key");
    }

    static String issue(String owner) {
        return issue(owner, "[\"checks:write\", \"checks:read\", \"schedules:write\"]", "");
    }
}
