package dev.parallax.coordinator.auth;

/** No usable credentials: the answer is 401 with {@code WWW-Authenticate: Bearer}. */
public class AuthenticationFailedException extends RuntimeException {

    public AuthenticationFailedException(String message) {
        super(message);
    }
}
