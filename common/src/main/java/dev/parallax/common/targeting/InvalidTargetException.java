package dev.parallax.common.targeting;

/**
 * A target, port list or policy input that cannot be accepted. The message tells the user what to fix;
 * {@link #field()} names the request field it concerns.
 */
public class InvalidTargetException extends IllegalArgumentException {

    private final String field;

    public InvalidTargetException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
