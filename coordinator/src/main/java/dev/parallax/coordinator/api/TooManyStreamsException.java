package dev.parallax.coordinator.api;

/** Every event-stream slot is taken: the answer is 503 with Retry-After. */
public class TooManyStreamsException extends RuntimeException {

    public TooManyStreamsException(int max) {
        super("this coordinator already streams " + max + " checks; retry shortly, or poll GET /api/v1/checks/{id}");
    }
}
