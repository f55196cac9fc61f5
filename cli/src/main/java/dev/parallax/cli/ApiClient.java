package dev.parallax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/** The coordinator's REST API as the CLI uses it: JSON in and out, problem+json turned into {@link ApiException}. */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One server-sent event: its name and its JSON data. */
    record Event(String name, JsonNode data) {
    }

    private final URI base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param base the coordinator's root, e.g. {@code http://localhost:8080}
     * @param key  the API key, or null to call without one
     */
    ApiClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    JsonNode post(String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE().build());
    }

    /**
     * Reads the server-sent events at {@code path} until the stream ends, handing each to {@code onEvent}.
     * Bounded by {@code patience}: the stream of a check ends with its {@code complete} event.
     */
    void events(String path, Duration patience, Consumer<Event> onEvent) {
        HttpRequest request = request(path).header("Accept", "text/event-stream").timeout(patience).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 != 2) {
                try (InputStream body = response.body()) {
                    throw problem(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String name = null;
                StringBuilder data = new StringBuilder();
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (name != null) {
                            onEvent.accept(new Event(name, parse(data.toString())));
                        }
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring("event:".length()).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring("data:".length()).strip());
                    }
                }
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.UNREACHABLE, "interrupted");
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("User-Agent", "parallax-cli/1");
        if (key != null && !key.isBlank()) {
            builder.header("Authorization", "Bearer " + key.strip());
        }
        return builder;
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw problem(response.statusCode(), response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : parse(response.body());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.UNREACHABLE, "interrupted");
        }
    }

    private ApiException unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused"
                : e instanceof HttpTimeoutException ? "no answer in time" : e.toString();
        return new ApiException(ApiException.Kind.UNREACHABLE, "cannot reach the Parallax API at " + base + ": " + why
                + " (set --api or PARALLAX_API_URL)");
    }

    /** An error answer: the problem's detail (and its field errors) when it is problem+json. */
    private static ApiException problem(int status, String body) {
        StringBuilder message = new StringBuilder();
        try {
            JsonNode problem = JSON.readTree(body);
            message.append(problem.path("detail").asText(problem.path("title").asText("HTTP " + status)));
        } catch (IOException e) {
            message.append("HTTP ").append(status).append(body.isBlank() ? "" : ": " + body.strip());
        }
        ApiException.Kind kind = status == 401 || status == 403 ? ApiException.Kind.REFUSED
                : status == 404 ? ApiException.Kind.NOT_FOUND
                : status == 429 ? ApiException.Kind.OVER_QUOTA
                : status / 100 == 4 ? ApiException.Kind.BAD_INPUT : ApiException.Kind.SERVER;
        return new ApiException(kind, message + " (HTTP " + status + ")");
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new ApiException(ApiException.Kind.SERVER, "the API answered something that is not JSON: " + json);
        }
    }
}
