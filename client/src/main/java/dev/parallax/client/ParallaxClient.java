package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The coordinator's REST API ({@code /api/v1}) as typed calls: checks (submit, read, follow as they end, wait for
 * the end), schedules and regions. Each call answers an {@link ApiResponse}; no answer at all throws
 * {@link ApiException} ({@link ApiException.Kind#UNREACHABLE}). Thread-safe; one per coordinator.
 *
 * <pre>{@code
 * try (ParallaxClient api = ParallaxClient.builder(URI.create("http://localhost:8080")).build()) {
 *     CheckAccepted accepted = api.submitCheck(new CheckRequest("example.com", List.of(443), null, null, null))
 *             .value();
 *     Check check = api.awaitComplete(accepted.id(), Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class ParallaxClient implements AutoCloseable {

    private static final String CHECKS = "api/v1/checks";
    private static final String SCHEDULES = "api/v1/schedules";
    private static final Duration POLL = Duration.ofMillis(250);

    private final URI base;
    private final String key;
    private final String userAgent;
    private final Duration requestTimeout;
    private final HttpClient http;

    private ParallaxClient(Builder builder) {
        String root = builder.base.toString();
        this.base = URI.create(root.endsWith("/") ? root : root + "/");
        this.key = builder.key == null || builder.key.isBlank() ? null : builder.key.strip();
        this.userAgent = builder.userAgent;
        this.requestTimeout = builder.requestTimeout;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(builder.connectTimeout);
        if (builder.version != null) {
            http.version(builder.version);
        }
        this.http = http.build();
    }

    /** A client of the coordinator at {@code base}, e.g. {@code http://localhost:8080}, with the defaults. */
    public static ParallaxClient of(URI base) {
        return builder(base).build();
    }

    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** The coordinator's root, with a trailing slash. */
    public URI baseUri() {
        return base;
    }

    // ---- checks ----

    /** {@code POST /api/v1/checks}: 202 with the check as accepted, or why not. */
    public ApiResponse<CheckAccepted> submitCheck(CheckRequest request) {
        return submitCheck(request.toJson());
    }

    /** As {@link #submitCheck(CheckRequest)}, with the body as written (a test's odd one, a template). */
    public ApiResponse<CheckAccepted> submitCheck(String json) {
        return send(post(CHECKS, json), CheckAccepted::from);
    }

    /**
     * As {@link #submitCheck(String)}, without waiting: for callers that keep many submissions in flight. The
     * future fails with {@link ApiException} when no answer came.
     */
    public CompletableFuture<ApiResponse<CheckAccepted>> submitCheckAsync(String json) {
        return http.sendAsync(post(CHECKS, json), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                        throw cause instanceof IOException io ? ApiException.unreachable(base, io)
                                : new CompletionException(cause);
                    }
                    return response(response, json(CheckAccepted::from));
                });
    }

    /** {@code GET /api/v1/checks/{id}}. */
    public ApiResponse<Check> check(UUID id) {
        return send(get(CHECKS + "/" + id), Check::from);
    }

    /** {@code GET /api/v1/checks}: the newest {@code limit}, or only those whose regions disagree. */
    public ApiResponse<CheckPage> checks(int limit, boolean divergentOnly) {
        return send(get(CHECKS + "?limit=" + limit + (divergentOnly ? "&divergent=true" : "")), CheckPage::from);
    }

    /**
     * Reads the check until it is {@code COMPLETE}, every quarter of a second.
     *
     * @throws ApiException          if a read is answered with an error
     * @throws IllegalStateException if it is not complete within {@code patience}, with its last state
     */
    public Check awaitComplete(UUID id, Duration patience) {
        long until = System.nanoTime() + patience.toNanos();
        ApiResponse<Check> last = check(id);
        while (!last.value().isComplete()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("check " + id + " not COMPLETE within " + patience
                        + "; last state: " + last.body());
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.interrupted(e);
            }
            last = check(id);
        }
        return last.value();
    }

    /**
     * Reads the check's event stream, handing each event to {@code onEvent}, until its last event
     * ({@code complete} or {@code timeout}), which it returns; empty if the stream ended without one. Bounded by
     * {@code patience} until the stream opens.
     *
     * @throws ApiException for an error answer (an unknown check, a missing scope), or no answer
     */
    public Optional<CheckEvent> followCheck(UUID id, Duration patience, Consumer<CheckEvent> onEvent) {
        HttpRequest request = request(CHECKS + "/" + id + "/events").header("Accept", "text/event-stream")
                .timeout(patience).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 != 2) {
                try (InputStream body = response.body()) {
                    throw ApiException.of(response.statusCode(), new String(body.readAllBytes(),
                            StandardCharsets.UTF_8));
                }
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                return readEvents(lines, onEvent);
            }
        } catch (IOException e) {
            throw ApiException.unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.interrupted(e);
        }
    }

    /** Server-sent events: {@code event:} and {@code data:} lines, each event ended by an empty line. */
    private static Optional<CheckEvent> readEvents(BufferedReader lines, Consumer<CheckEvent> onEvent)
            throws IOException {
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (name != null) {
                    CheckEvent event = new CheckEvent(name, data.toString());
                    onEvent.accept(event);
                    if (event.isLast()) {
                        return Optional.of(event);
                    }
                }
                name = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring("event:".length()).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring("data:".length()).strip());
            }
        }
        return Optional.empty();
    }

    // ---- schedules ----

    /** {@code POST /api/v1/schedules}: 201 with the schedule (and its webhook secret, shown this once). */
    public ApiResponse<Schedule> createSchedule(ScheduleRequest request) {
        return createSchedule(request.toJson());
    }

    /** As {@link #createSchedule(ScheduleRequest)}, with the body as written. */
    public ApiResponse<Schedule> createSchedule(String json) {
        return send(post(SCHEDULES, json), Schedule::from);
    }

    /** {@code GET /api/v1/schedules}: the caller's schedules. */
    public ApiResponse<List<Schedule>> schedules() {
        return send(get(SCHEDULES), json -> Json.list(json, Schedule::from));
    }

    /** {@code PATCH /api/v1/schedules/{id}} with {@code {"paused": true}}: no runs until resumed. */
    public ApiResponse<Schedule> pauseSchedule(String id) {
        return send(request(SCHEDULES + "/" + segment(id)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"paused\": true}")).build(), Schedule::from);
    }

    /** {@code GET /api/v1/schedules/{id}/history}: the newest {@code limit} runs. */
    public ApiResponse<ScheduleRuns> scheduleHistory(String id, int limit) {
        return send(get(SCHEDULES + "/" + segment(id) + "/history?limit=" + limit), ScheduleRuns::from);
    }

    /** {@code DELETE /api/v1/schedules/{id}}: the schedule and its history. */
    public ApiResponse<Void> deleteSchedule(String id) {
        return send(request(SCHEDULES + "/" + segment(id)).DELETE().build(), body -> null);
    }

    // ---- regions and agents ----

    /** {@code GET /api/v1/regions}: every region a check may name, with its live agents. */
    public ApiResponse<List<Region>> regions() {
        return send(get("api/v1/regions"), json -> Json.list(json, Region::from));
    }

    /** The live agents of a region; 0 for a region the coordinator does not list. */
    public int liveAgents(String region) {
        return regions().value().stream().filter(r -> r.region().equals(region)).mapToInt(Region::liveAgents)
                .findFirst().orElse(0);
    }

    /** {@code GET /api/v1/agents}: every agent the coordinator knows, live or not. */
    public ApiResponse<List<Agent>> agents() {
        return send(get("api/v1/agents"), json -> Json.list(json, Agent::from));
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- HTTP ----

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout);
        if (userAgent != null) {
            builder.header("User-Agent", userAgent);
        }
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest post(String path, String json) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private <T> ApiResponse<T> send(HttpRequest request, Function<JsonNode, T> reader) {
        try {
            return response(http.send(request, HttpResponse.BodyHandlers.ofString()), json(reader));
        } catch (IOException e) {
            throw ApiException.unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.interrupted(e);
        }
    }

    private static <T> ApiResponse<T> response(HttpResponse<String> response, Function<String, T> reader) {
        return new ApiResponse<>(response.statusCode(), response.headers(), response.body(), reader);
    }

    /** Reads a JSON body with {@code reader}; an empty body (a 204) reads as JSON null. */
    private static <T> Function<String, T> json(Function<JsonNode, T> reader) {
        return body -> reader.apply(body.isEmpty() ? Json.MAPPER.nullNode() : Json.parse(body));
    }

    private static String segment(String id) {
        return URLEncoder.encode(id.strip(), StandardCharsets.UTF_8);
    }

    /** How a {@link ParallaxClient} talks: every setting has a default. */
    public static final class Builder {

        private final URI base;
        private String key;
        private String userAgent;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private HttpClient.Version version;

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base");
        }

        /** The API key, sent as a bearer token; null or blank to call without one. */
        public Builder key(String key) {
            this.key = key;
            return this;
        }

        /** The {@code User-Agent} header; default: the JDK's. */
        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /** Default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout);
            return this;
        }

        /** How long a call waits for its answer's head; default 30 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout);
            return this;
        }

        /** The HTTP version to use, e.g. HTTP/1.1 only; default: the JDK's (HTTP/2, else HTTP/1.1). */
        public Builder version(HttpClient.Version version) {
            this.version = version;
            return this;
        }

        public ParallaxClient build() {
            return new ParallaxClient(this);
        }
    }
}
