package dev.parallax.coordinator.check;

import java.util.List;
import java.util.stream.Collectors;

/** A check request that cannot be accepted; carries every field error found, not just the first. */
public class InvalidCheckException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidCheckException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public InvalidCheckException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
