package dev.parallax.coordinator.auth;

/** A valid key without the scope the request needs: the answer is 403. */
public class ScopeMissingException extends RuntimeException {

    public ScopeMissingException(String needed) {
        super("this API key lacks the scope this request needs: " + needed);
    }
}
