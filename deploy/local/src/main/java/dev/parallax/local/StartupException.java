package dev.parallax.local;

/** A component of the local stack could not be started; the message says which, why, and what to do. */
public class StartupException extends RuntimeException {

    private final String component;

    public StartupException(String component, String message) {
        super(component + ": " + message);
        this.component = component;
    }

    public StartupException(String component, String message, Throwable cause) {
        super(component + ": " + message, cause);
        this.component = component;
    }

    /** The component that failed: {@code postgres}, {@code kafka}, {@code coordinator} or {@code agent-<region>}. */
    public String component() {
        return component;
    }
}
