package dev.parallax.coordinator.quota;

/** A request over the caller's quota: the answer is 429 with {@code Retry-After} and the rate-limit headers. */
public class QuotaExceededException extends RuntimeException {

    private final Quotas.Usage usage;

    public QuotaExceededException(String message, Quotas.Usage usage) {
        super(message);
        this.usage = usage;
    }

    public Quotas.Usage usage() {
        return usage;
    }
}
