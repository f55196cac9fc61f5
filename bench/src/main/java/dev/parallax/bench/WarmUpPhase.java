package dev.parallax.bench;

import dev.parallax.client.ParallaxClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.parallax.bench.SystemBench.log;
import static dev.parallax.bench.SystemRun.OPEN_PORT;

/** Before anything is measured: what a production stack has long behind it. */
final class WarmUpPhase {

    private static final Duration WARM_UP_AT_MOST = Duration.ofSeconds(120);
    private static final int WARM_UP_CLIENTS = 8;

    private final SystemRun run;

    WarmUpPhase(SystemRun run) {
        this.run = run;
    }

    /**
     * Checks followed to their end by a few concurrent clients, unmeasured: until the JIT has compiled the paths, a
     * check takes about twice as long (p50 51 ms after 50 checks, 26 ms over 3,000), which no long-running stack
     * shows its users. Bounded by count and time.
     */
    void run() throws InterruptedException {
        ParallaxClient api = run.api();
        if (run.options().warmupChecks() <= 0) {
            return;
        }
        String body = run.check("[" + OPEN_PORT + "]");
        AtomicInteger left = new AtomicInteger(run.options().warmupChecks());
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long until = System.nanoTime() + WARM_UP_AT_MOST.toNanos();
        long started = System.nanoTime();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < WARM_UP_CLIENTS; i++) {
            clients.add(Thread.ofPlatform().name("warm-up-" + i).start(() -> {
                while (left.getAndDecrement() > 0 && System.nanoTime() < until && run.withinBudget()) {
                    try {
                        FollowedCheck.follow(api, body);
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        int done = run.options().warmupChecks() - Math.max(0, left.get()) - failed.get();
        double seconds = (System.nanoTime() - started) / 1e9;
        log(String.format(Locale.ROOT, "warm-up: %d checks followed to COMPLETE in %.0f s (%d failed%s)", done,
                seconds, failed.get(), firstFailure.get() == null ? "" : "; the first: " + firstFailure.get()));
        run.report().append(String.format(Locale.ROOT, """

                Warm-up, not measured: %d checks followed to `complete` by %d concurrent clients in %.0f s (%d failed),
                so that the JIT has compiled the paths, as in any stack that has run for a while.
                """, done, WARM_UP_CLIENTS, seconds, failed.get()));
    }
}
