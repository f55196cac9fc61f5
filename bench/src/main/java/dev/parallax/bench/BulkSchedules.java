package dev.parallax.bench;

import dev.parallax.client.ApiResponse;
import dev.parallax.client.ParallaxClient;
import dev.parallax.client.Schedule;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
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
final class BulkSchedules implements AutoCloseable {

    private final List<ParallaxClient> apis;
    private final ExecutorService pool;

    /** @param apiBaseUris each coordinator's API base ({@code http://127.0.0.1:port}) */
    BulkSchedules(List<URI> apiBaseUris, int parallelism) {
        // Not the pool as the clients' executor: its threads block in their calls, which need the clients' own.
        this.apis = apiBaseUris.stream().map(base -> ParallaxClient.builder(base)
                .version(HttpClient.Version.HTTP_1_1).build()).toList();
        this.pool = Executors.newFixedThreadPool(parallelism, Thread.ofPlatform().name("bench-api-", 0).factory());
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
            ParallaxClient api = apis.get(n % apis.size());
            pending.add(pool.submit(() -> {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("time budget exhausted before this request was sent");
                }
                ApiResponse<Schedule> response = api.createSchedule(body.apply(n));
                if (response.status() != 201) {
                    throw new IOException("POST " + api.baseUri() + "api/v1/schedules -> " + response.status() + ": "
                            + response.body());
                }
                Schedule created = response.value();
                return new Created(created.id(), created.createdAt(), created.nextRunAt());
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
            ParallaxClient api = apis.get(i % apis.size());
            pending.add(pool.submit(() -> {
                ApiResponse<Schedule> response = api.pauseSchedule(id.toString());
                if (response.status() != 200) {
                    throw new IOException("PATCH " + api.baseUri() + "api/v1/schedules/" + id + " -> "
                            + response.status() + ": " + response.body());
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
        apis.forEach(ParallaxClient::close);
    }
}
