package dev.parallax.coordinator.api;

/** Too many API requests in flight on this coordinator ({@link ApiLoadShedding}): the answer is 503 with Retry-After. */
public class OverloadedException extends RuntimeException {

    public OverloadedException(int maxInFlight) {
        super("this coordinator already has " + maxInFlight + " API requests in flight; nothing was done, retry shortly");
    }
}
