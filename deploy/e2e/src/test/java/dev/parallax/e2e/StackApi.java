package dev.parallax.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The coordinator's REST API as the end-to-end tests use it: submit, read, and wait for a check. */
public final class StackApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Supplier<String> diagnostics;

    /**
     * @param base        the coordinator's root, {@code http://127.0.0.1:<port>}
     * @param diagnostics what to add to a failure message (where the logs are)
     */
    public StackApi(URI base, Supplier<String> diagnostics) {
        this.base = base;
        this.diagnostics = diagnostics;
    }

    /** POST /api/v1/checks with this JSON body. */
    public HttpResponse<String> submit(String body) throws IOException, InterruptedException {
        return post("/api/v1/checks", body);
    }

    /** POST of a JSON body to a path under the API root; the answer as it is. */
    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** DELETE of a path under the API root, expecting a 2xx. */
    public void delete(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).DELETE()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode() / 100).as("DELETE %s: %s", path, response.body()).isEqualTo(2);
    }

    /** Submits and expects 202; returns the check's URI (its Location). */
    public URI submitAccepted(String body) throws IOException, InterruptedException {
        HttpResponse<String> accepted = submit(body);
        assertThat(accepted.statusCode()).as("answer to POST %s: %s", body.strip(), accepted.body()).isEqualTo(202);
        return URI.create(accepted.headers().firstValue("Location").orElseThrow(
                () -> new AssertionError("202 without a Location: " + accepted.headers().map())));
    }

    /** GET of a path under the API root (or an absolute URI), expecting 200; the body as JSON. */
    public JsonNode get(String pathOrUri) throws IOException, InterruptedException {
        URI uri = base.resolve(pathOrUri);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Polls the check until COMPLETE; fails with its last state and where the logs are. */
    public JsonNode awaitComplete(URI check, Duration patience) throws IOException, InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < until) {
            last = get(check.toString());
            if ("COMPLETE".equals(last.path("status").asText())) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("check not COMPLETE within " + patience + "; last state: " + last + "\n"
                + diagnostics.get());
    }

    /** A response body as JSON. */
    public static JsonNode parse(String body) throws IOException {
        return JSON.readTree(body);
    }

    /** The region's entry in a check. */
    public static JsonNode region(JsonNode check, String name) {
        for (JsonNode region : check.path("regions")) {
            if (name.equals(region.path("region").asText())) {
                return region;
            }
        }
        throw new AssertionError("no region " + name + " in " + check);
    }

    /** {@code STATE/reason} of one port in a region's entry. */
    public static String portState(JsonNode region, int port) {
        for (JsonNode verdict : region.path("ports")) {
            if (verdict.path("port").asInt() == port) {
                return verdict.path("state").asText() + "/" + verdict.path("reason").asText();
            }
        }
        throw new AssertionError("no verdict for port " + port + " in " + region);
    }

    /** {@code liveAgents} of a region in GET /api/v1/regions, 0 if it is not listed. */
    public int liveAgents(String regionName) throws IOException, InterruptedException {
        for (JsonNode region : get("/api/v1/regions")) {
            if (regionName.equals(region.path("region").asText())) {
                return region.path("liveAgents").asInt();
            }
        }
        return 0;
    }
}
