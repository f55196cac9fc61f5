package dev.parallax.coordinator.api;

/**
 * No event stream for this request: every slot of the coordinator is taken (503 with Retry-After), or the caller
 * already holds as many streams as one caller may (429).
 */
public class TooManyStreamsException extends RuntimeException {

    private final boolean perCaller;

    private TooManyStreamsException(String message, boolean perCaller) {
        super(message);
        this.perCaller = perCaller;
    }

    static TooManyStreamsException coordinatorFull(int max) {
        return new TooManyStreamsException("this coordinator already streams " + max + " checks; retry shortly, or "
                + "poll GET /api/v1/checks/{id}", false);
    }

    static TooManyStreamsException callerFull(int max) {
        return new TooManyStreamsException("you already follow " + max + " checks at once, the most one key (or "
                + "anonymous client address) may; close one, or poll GET /api/v1/checks/{id}", true);
    }

    /** Whether the caller's own share ran out (429) rather than the coordinator's (503). */
    public boolean perCaller() {
        return perCaller;
    }
}
