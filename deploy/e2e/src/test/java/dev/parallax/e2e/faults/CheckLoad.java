package dev.parallax.e2e.faults;

import dev.parallax.client.ApiException;
import dev.parallax.client.ApiResponse;
import dev.parallax.client.CheckAccepted;
import dev.parallax.client.ParallaxClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Submits checks at a steady rate, bounded in count and in time, and keeps what each answer said: the ids of
 * the checks accepted (202), the count of every other status, and of requests that got no answer at all.
 * Runs on a thread of its own so that the test can break things meanwhile.
 */
final class CheckLoad {

    private final List<URI> apis;
    private final Supplier<String> body;
    private final int count;
    private final Duration interval;
    private final Duration maxDuration;
    private final Set<UUID> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private Thread thread;

    /**
     * @param apis        coordinators' API roots, used in turn
     * @param body        the JSON of each check
     * @param count       checks to submit at most
     * @param perSecond   submission rate
     * @param maxDuration the load stops after this, whatever the count
     */
    CheckLoad(List<URI> apis, Supplier<String> body, int count, double perSecond, Duration maxDuration) {
        this.apis = List.copyOf(apis);
        this.body = body;
        this.count = count;
        this.interval = Duration.ofNanos((long) (1e9 / perSecond));
        this.maxDuration = maxDuration;
    }

    CheckLoad start() {
        thread = Thread.ofPlatform().name("check-load").daemon().start(this::run);
        return this;
    }

    /** Waits for the load to end (it ends by itself, by count or by time). */
    CheckLoad await() throws InterruptedException {
        thread.join(maxDuration.plusSeconds(30));
        if (thread.isAlive()) {
            throw new AssertionError("the load did not end within " + maxDuration.plusSeconds(30));
        }
        return this;
    }

    Set<UUID> accepted() {
        return Set.copyOf(accepted);
    }

    /** Answers by status ("202", "503", ...), and "no answer" for requests that got none. */
    Map<String, Integer> answers() {
        return new TreeMap<>(answers);
    }

    /** Answers that are neither 202 nor a 503 problem: each one a bug (a 500, a 4xx to a valid check...). */
    List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    private void run() {
        List<ParallaxClient> clients = apis.stream().map(api -> ParallaxClient.builder(api)
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(15)).build()).toList();
        try {
            long start = System.nanoTime();
            long end = start + maxDuration.toNanos();
            for (int i = 0; i < count && System.nanoTime() < end; i++) {
                long due = start + i * interval.toNanos();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                submit(clients.get(i % clients.size()));
            }
        } finally {
            clients.forEach(ParallaxClient::close);
        }
    }

    private void submit(ParallaxClient api) {
        try {
            ApiResponse<CheckAccepted> response = api.submitCheck(body.get());
            answers.merge(Integer.toString(response.status()), 1, Integer::sum);
            if (response.status() == 202) {
                accepted.add(response.value().id());
            } else if (response.status() != 503 || response.problem().isEmpty()) {
                unexpected.add(response.status() + " " + response.body());
            }
        } catch (ApiException e) {
            if (e.kind() != ApiException.Kind.INTERRUPTED) {
                answers.merge("no answer", 1, Integer::sum);
            }
        }
    }
}
