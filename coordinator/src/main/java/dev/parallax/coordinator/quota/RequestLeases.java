package dev.parallax.coordinator.quota;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request-rate tokens this replica has already taken from a caller's shared bucket and not yet spent: a tenth of a
 * second's worth at a time, so that a caller's requests cost one bucket statement per lease instead of one each.
 * The shared bucket still bounds the caller's rate across all replicas exactly (leased tokens left it when taken);
 * what a replica holds unspent (a lease, or a few when requests race for a new one) is only unavailable to the
 * others meanwhile. A lease unused for {@link #IDLE} is dropped, so that callers who went away (anonymous clients
 * are per address) are not kept.
 *
 * <p>Any thread MAY call {@link #tryTake}; a lease is changed only under its own lock.
 */
@ApplicationScoped
public class RequestLeases {

    /** Leases per second of a caller's rate: each holds 1/10 s of requests. */
    static final int LEASES_PER_SECOND = 10;
    static final Duration IDLE = Duration.ofSeconds(30);

    private static final class Lease {
        long tokens;
        long lastUsedNanos = System.nanoTime();
    }

    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    /** How many tokens to take from the bucket at once for a caller allowed {@code requestsPerSecond}. */
    static long leaseSize(int requestsPerSecond) {
        return Math.max(1, requestsPerSecond / LEASES_PER_SECOND);
    }

    /** Spends one leased token of {@code subject}'s, if this replica holds one. */
    boolean tryTake(String subject) {
        Lease lease = leases.get(subject);
        if (lease == null) {
            return false;
        }
        synchronized (lease) {
            lease.lastUsedNanos = System.nanoTime();
            if (lease.tokens > 0) {
                lease.tokens--;
                return true;
            }
            return false;
        }
    }

    /** Keeps {@code tokens} just taken from {@code subject}'s bucket for its next requests. */
    void add(String subject, long tokens) {
        if (tokens <= 0) {
            return;
        }
        Lease lease = leases.computeIfAbsent(subject, s -> new Lease());
        synchronized (lease) {
            lease.tokens += tokens;
            lease.lastUsedNanos = System.nanoTime();
        }
    }

    @Scheduled(every = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void dropIdle() {
        long idleBefore = System.nanoTime() - IDLE.toNanos();
        leases.values().removeIf(lease -> {
            synchronized (lease) {
                return lease.lastUsedNanos - idleBefore < 0;
            }
        });
    }
}
