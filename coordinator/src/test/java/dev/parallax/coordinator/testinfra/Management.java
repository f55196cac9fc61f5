package dev.parallax.coordinator.testinfra;

import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.net.URI;

/** Requests to the management interface, where health and metrics are served (a port of their own). */
public final class Management {

    private Management() {
    }

    /** A request to the management server of the application under test, e.g. {@code given().get("/q/metrics")}. */
    public static RequestSpecification given() {
        URI root = URI.create(TestHTTPResourceManager.getManagementUri());
        return RestAssured.given().baseUri(root.getScheme() + "://" + root.getHost()).port(root.getPort());
    }
}
