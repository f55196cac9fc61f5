package dev.parallax.coordinator.check;

/** One thing wrong with one request field, said so the caller knows what to change. */
public record FieldError(String field, String message) {
}
