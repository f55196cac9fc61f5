package dev.parallax.coordinator.api;

/** No API key with the id in the path. */
public class ApiKeyNotFoundException extends RuntimeException {

    public ApiKeyNotFoundException(String rawId) {
        super("no API key with id '" + rawId + "'");
    }
}
