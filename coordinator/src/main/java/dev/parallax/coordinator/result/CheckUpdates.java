package dev.parallax.coordinator.result;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes whoever watches a check (an event stream) as soon as this replica has committed a change to it: a region
 * ended by a verdict or by the deadline. Changes committed by another replica are not seen here; watchers still
 * read PostgreSQL at least every so often, so they lose only latency, never an event. Any thread MAY call
 * {@link #changed}; a {@link Watch} belongs to the one thread that awaits it.
 */
@ApplicationScoped
public class CheckUpdates {

    private final ConcurrentHashMap<UUID, Set<Watch>> watches = new ConcurrentHashMap<>();

    /** Starts watching; MUST be closed. Changes committed after this call wake {@link Watch#await}. */
    public Watch watch(UUID checkId) {
        Watch watch = new Watch(checkId);
        watches.computeIfAbsent(checkId, id -> ConcurrentHashMap.newKeySet()).add(watch);
        return watch;
    }

    /** Called after the commit of a change to the check (never before: the watcher would read the old rows). */
    public void changed(UUID checkId) {
        Set<Watch> watching = watches.get(checkId);
        if (watching != null) {
            watching.forEach(Watch::wake);
        }
    }

    /** One watcher's wake-up signal: permits are wake-ups, and one is enough however many changes came. */
    public final class Watch implements AutoCloseable {

        private final UUID checkId;
        private final Semaphore wakeUps = new Semaphore(0);

        private Watch(UUID checkId) {
            this.checkId = checkId;
        }

        private void wake() {
            if (wakeUps.availablePermits() == 0) {
                wakeUps.release();
            }
        }

        /** Waits until a change or {@code atMost}; true when woken by a change. */
        public boolean await(Duration atMost) throws InterruptedException {
            boolean woken = wakeUps.tryAcquire(atMost.toNanos(), TimeUnit.NANOSECONDS);
            wakeUps.drainPermits();
            return woken;
        }

        @Override
        public void close() {
            watches.computeIfPresent(checkId, (id, watching) -> {
                watching.remove(this);
                return watching.isEmpty() ? null : watching;
            });
        }
    }
}
