package dev.parallax.coordinator.api;

/** A request body over the configured limit: the answer is 413, and the body is never read. */
public class RequestTooLargeException extends RuntimeException {

    public RequestTooLargeException(long length, int limit) {
        super("the request body has " + length + " bytes; at most " + limit + " are accepted");
    }
}
