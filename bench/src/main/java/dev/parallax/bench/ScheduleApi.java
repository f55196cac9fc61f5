package dev.parallax.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Creates and pauses schedules over the coordinators' REST API, {@code parallelism} requests at a time, spread
 * round-robin over the coordinators given (each one's API is as good as the other's: they share PostgreSQL).
 * A failed request is counted and reported, never retried: a retry could create a schedule twice.
 */
final class ScheduleApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final List<URI> schedulesUris;
    private final ExecutorService pool;
    private final HttpClient http;

    /** @param apiBaseUris each coordinator's API base ({@code http://127.0.0.1:port}) */
    ScheduleApi(List<URI> apiBaseUris, int parallelism) {
        this.schedulesUris = apiBaseUris.stream().map(base -> base.resolve("/api/v1/schedules")).toList();
        this.pool = Executors.newFixedThreadPool(parallelism, Thread.ofPlatform().name("bench-api-", 0).factory());
        // Not the pool as the client's executor: its threads block in send(), which needs the client's own.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A schedule as created: its id, when the coordinator stored it, and its first due time. */
    record Created(UUID id, Instant createdAt, Instant firstDue) {
    }

    /** The outcome of a bulk operation: what succeeded, the first few failures, how long it took. */
    record Bulk<T>(List<T> done, int failed, List<String> firstFailures, Duration took) {
    }

    /**
     * POSTs {@code count} schedules, the body of the n-th given by {@code body}; stops submitting new ones once
     * {@code deadline} (a {@link System#nanoTime()}) has passed.
     */
    Bulk<Created> createAll(int count, IntFunction<String> body, long deadline) throws InterruptedException {
        long start = System.nanoTime();
        List<Future<Created>> pending = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = i;
            URI uri = schedulesUris.get(n % schedulesUris.size());
            pending.add(pool.submit(() -> {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("time budget exhausted before this request was sent");
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.apply(n)))
                        .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 201) {
                    throw new IOException("POST " + uri + " -> " + response.statusCode() + ": " + response.body());
                }
                JsonNode created = JSON.readTree(response.body());
                return new Created(UUID.fromString(created.path("id").asText()),
                        Instant.parse(created.path("createdAt").asText()),
                        Instant.parse(created.path("nextRunAt").asText()));
            }));
        }
        return collect(pending, start);
    }

    /** PATCHes {@code {"paused": true}} onto every schedule given. */
    Bulk<UUID> pauseAll(List<UUID> ids) throws InterruptedException {
        long start = System.nanoTime();
        List<Future<UUID>> pending = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            URI uri = schedulesUris.get(i % schedulesUris.size()).resolve("/api/v1/schedules/" + id);
            pending.add(pool.submit(() -> {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"paused\": true}"))
                        .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IOException("PATCH " + uri + " -> " + response.statusCode() + ": " + response.body());
                }
                return id;
            }));
        }
        return collect(pending, start);
    }

    private static <T> Bulk<T> collect(List<Future<T>> pending, long start) throws InterruptedException {
        List<T> done = new ArrayList<>(pending.size());
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (Future<T> future : pending) {
            try {
                done.add(future.get());
            } catch (ExecutionException e) {
                failed++;
                if (failures.size() < 5) {
                    failures.add(String.valueOf(e.getCause()));
                }
            }
        }
        return new Bulk<>(Collections.unmodifiableList(done), failed, List.copyOf(failures),
                Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        http.close();
    }
}
