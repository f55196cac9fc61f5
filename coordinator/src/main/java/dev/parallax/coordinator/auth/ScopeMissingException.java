package dev.parallax.coordinator.auth;

/** A caller without the scope the request needs: the answer is 403. */
public class ScopeMissingException extends RuntimeException {

    public ScopeMissingException(boolean anonymous, String needed) {
        super(anonymous ? "callers without a key cannot do this; it needs an API key with the scope " + needed
                : "this API key lacks the scope this request needs: " + needed);
    }
}
