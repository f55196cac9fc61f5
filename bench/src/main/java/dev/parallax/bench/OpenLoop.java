package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Submissions at a fixed rate, whatever the answers: open loop, bounded by count, time and in-flight. */
record OpenLoop(int submitted, List<UUID> ids, int refused, long startedEpochMillis) {

    private static final int MAX_IN_FLIGHT = 4_000;

    /** What to read when the window's last submission went out: the checks accepted so far, the unanswered. */
    interface AtWindowEnd {
        void read(List<UUID> acceptedSoFar, int unanswered) throws Exception;
    }

    static OpenLoop run(ParallaxClient api, String body, int rate, Duration window, long deadlineNanos)
            throws Exception {
        return run(api, body, rate, window, deadlineNanos, (accepted, unanswered) -> { });
    }

    static OpenLoop run(ParallaxClient api, String body, int rate, Duration window, long deadlineNanos,
                        AtWindowEnd atWindowEnd) throws Exception {
        long start = System.nanoTime();
        long startedEpochMillis = System.currentTimeMillis();
        long total = rate * window.toSeconds();
        ConcurrentLinkedQueue<UUID> ids = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        int submitted = 0;
        for (long n = 0; n < total && System.nanoTime() < deadlineNanos; n++) {
            long due = start + n * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                refused.incrementAndGet();
                continue;
            }
            inFlight.incrementAndGet();
            submitted++;
            calls.add(api.submitCheckAsync(body).handle((answer, failure) -> {
                inFlight.decrementAndGet();
                if (failure == null && answer.status() == 202) {
                    ids.add(answer.value().id());
                } else {
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        atWindowEnd.read(List.copyOf(ids), inFlight.get());
        for (CompletableFuture<?> call : calls) {
            try {
                call.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                refused.incrementAndGet();
            }
        }
        return new OpenLoop(submitted, List.copyOf(ids), refused.get(), startedEpochMillis);
    }
}
