package dev.parallax.coordinator.api;

import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Recent checks, newest first, in stable pages. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class CheckListingTest {

    @Test
    void recentChecksAreListedNewestFirstAndPagesFollowTheNextLink() {
        UUID oldest = Api.submit("{\"target\":\"one.example\",\"ports\":[1],\"regions\":[\"eu-west\"]}");
        UUID middle = Api.submit("{\"target\":\"two.example\",\"ports\":[2],\"regions\":[\"eu-west\"]}");
        UUID newest = Api.submit("{\"target\":\"three.example\",\"ports\":[3],\"regions\":[\"eu-west\",\"us-east\"]}");

        JsonPath first = given().queryParam("limit", 2).when().get("/api/v1/checks")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("checks.id", String.class))
                .containsExactly(newest.toString(), middle.toString());
        assertThat(first.getString("checks[0].target")).isEqualTo("three.example");
        assertThat(first.getMap("checks[0].regions")).containsEntry("eu-west", "PENDING").containsEntry("us-east", "PENDING");
        String next = first.getString("next");
        assertThat(next).as("link to the next page").contains("before=" + middle).contains("limit=2");

        JsonPath second = given().when().get(next).then().statusCode(200).extract().jsonPath();
        List<String> ids = second.getList("checks.id", String.class);
        assertThat(ids).as("the next page continues after the middle check").startsWith(oldest.toString());
        assertThat(ids).doesNotContain(newest.toString(), middle.toString());
    }

    @Test
    void instantCursorListsOnlyOlderChecks() {
        UUID older = Api.submit("{\"target\":\"older.example\",\"ports\":[1],\"regions\":[\"eu-west\"]}");
        UUID cursor = Api.submit("{\"target\":\"cursor.example\",\"ports\":[1],\"regions\":[\"eu-west\"]}");
        String createdAt = given().when().get("/api/v1/checks/" + cursor).then().extract().path("createdAt");
        UUID newer = Api.submit("{\"target\":\"newer.example\",\"ports\":[1],\"regions\":[\"eu-west\"]}");

        List<String> ids = given().queryParam("before", createdAt).queryParam("limit", 100)
                .when().get("/api/v1/checks")
                .then().statusCode(200).extract().jsonPath().getList("checks.id", String.class);

        assertThat(ids).as("checks created before %s", createdAt).startsWith(older.toString())
                .doesNotContain(cursor.toString(), newer.toString());
    }
}
