package dev.parallax.coordinator.check;

/** No check has the requested id (or the id cannot be one). */
public class CheckNotFoundException extends RuntimeException {

    public CheckNotFoundException(String id) {
        super("no check with id '" + id + "'");
    }
}
