package dev.parallax.coordinator.quota;

import dev.parallax.coordinator.auth.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/**
 * The two limits every caller has, each a token bucket shared by all replicas ({@link QuotaBuckets}): requests per
 * second (with a burst of two seconds' worth) on every API request, and check cost per hour, where a check costs
 * ports x regions (a burst of the whole hour's worth). Requests are taken a tenth of a second's worth at a time
 * ({@link RequestLeases}); check cost is taken exactly, one statement per check, so that the budget headers are exact.
 */
@ApplicationScoped
public class Quotas {

    private static final int BURST_SECONDS = 2;

    /**
     * Where a caller stands against one limit, as the rate-limit headers report it.
     *
     * @param limit             the tokens the bucket holds when full (requests per burst, or cost per hour)
     * @param remaining         the tokens left
     * @param resetSeconds      seconds until the bucket is full again
     * @param retryAfterSeconds seconds until this request would fit (0 when it was accepted)
     * @param cost              what this request cost, or would have cost
     */
    public record Usage(long limit, long remaining, long resetSeconds, long retryAfterSeconds, long cost) {

        /** {@code X-RateLimit-Limit}, {@code -Remaining}, {@code -Reset} and {@code X-Request-Cost}. */
        public Response.ResponseBuilder addHeaders(Response.ResponseBuilder response) {
            return response.header("X-RateLimit-Limit", limit)
                    .header("X-RateLimit-Remaining", remaining)
                    .header("X-RateLimit-Reset", resetSeconds)
                    .header("X-Request-Cost", cost);
        }
    }

    private final QuotaBuckets buckets;
    private final RequestLeases leases;

    public Quotas(QuotaBuckets buckets, RequestLeases leases) {
        this.buckets = buckets;
        this.leases = leases;
    }

    /**
     * Takes one request from the caller's rate: from this replica's lease when it holds one, otherwise a new lease
     * from the shared bucket ({@link RequestLeases}), otherwise the bucket's last token.
     *
     * @throws QuotaExceededException when the caller is over its request rate
     */
    public void chargeRequest(Caller caller) {
        String subject = caller.quotaSubject();
        if (leases.tryTake(subject)) {
            return;
        }
        int perSecond = caller.requestsPerSecond();
        double capacity = (double) perSecond * BURST_SECONDS;
        long leaseSize = RequestLeases.leaseSize(perSecond);
        if (leaseSize > 1 && buckets.take(subject, QuotaBuckets.Kind.REQUESTS, capacity, perSecond, leaseSize)
                .taken()) {
            leases.add(subject, leaseSize - 1);
            return;
        }
        take(caller, QuotaBuckets.Kind.REQUESTS, capacity, perSecond, 1,
                "more than " + perSecond + " requests a second");
    }

    /**
     * Takes a check's cost from the caller's hourly budget.
     *
     * @throws QuotaExceededException when the budget has less than {@code cost} left
     * @throws IllegalArgumentException when {@code cost} exceeds the whole budget (a request that can never fit,
     *                                  for the caller to refuse as invalid before charging)
     */
    public Usage chargeCost(Caller caller, long cost) {
        if (cost > caller.costPerHour()) {
            throw new IllegalArgumentException("cost " + cost + " exceeds the hourly budget " + caller.costPerHour());
        }
        return take(caller, QuotaBuckets.Kind.COST, caller.costPerHour(), caller.costPerHour() / 3600.0, cost,
                "the hourly check budget of " + caller.costPerHour() + " (cost = ports x regions) is spent");
    }

    private Usage take(Caller caller, QuotaBuckets.Kind kind, double capacity, double perSecond, long cost,
                       String overWhat) {
        QuotaBuckets.Take take = buckets.take(caller.quotaSubject(), kind, capacity, perSecond, cost);
        long resetSeconds = (long) Math.ceil((capacity - take.remaining()) / perSecond);
        if (take.taken()) {
            return new Usage((long) capacity, (long) Math.floor(take.remaining()), resetSeconds, 0, cost);
        }
        long retryAfter = Math.max(1, (long) Math.ceil((cost - take.remaining()) / perSecond));
        Usage usage = new Usage((long) capacity, (long) Math.floor(take.remaining()), resetSeconds, retryAfter, cost);
        throw new QuotaExceededException("quota exceeded: " + overWhat + "; retry in " + retryAfter + " s", usage);
    }
}
