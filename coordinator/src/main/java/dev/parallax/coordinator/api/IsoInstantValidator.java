package dev.parallax.coordinator.api;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/** Checks an {@link IsoInstant} parameter, and reads it once it passed. */
public class IsoInstantValidator implements ConstraintValidator<IsoInstant, String> {

    private static final String ACCEPTED = "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
    private static final String OUT_OF_RANGE = "must lie between " + IsoInstant.EARLIEST + " and "
            + IsoInstant.LATEST;

    private boolean orCheckId;

    @Override
    public void initialize(IsoInstant constraint) {
        orCheckId = constraint.orCheckId();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        Optional<String> complaint = complaint(value, orCheckId);
        if (complaint.isEmpty()) {
            return true;
        }
        // The templates are our constants: what the client sent is never interpolated.
        context.disableDefaultConstraintViolation();
        context.buildConstraintViolationWithTemplate(complaint.get()).addConstraintViolation();
        return false;
    }

    /** What is wrong with the parameter; empty when it is absent (or empty, as absent) or valid. */
    static Optional<String> complaint(String value, boolean orCheckId) {
        if (value == null || value.isBlank() || orCheckId && checkId(value).isPresent()) {
            return Optional.empty();
        }
        try {
            Instant instant = Instant.parse(value.strip());
            boolean inRange = !instant.isBefore(IsoInstant.EARLIEST) && !instant.isAfter(IsoInstant.LATEST);
            return inRange ? Optional.empty() : Optional.of(OUT_OF_RANGE);
        } catch (DateTimeParseException e) {
            return Optional.of("must be " + (orCheckId ? "a check id or " : "") + ACCEPTED);
        }
    }

    /** The instant of a parameter that passed {@link IsoInstant}; null when absent or empty. */
    static Instant instant(String value) {
        return value == null || value.isBlank() ? null : Instant.parse(value.strip());
    }

    /** The parameter as a check id, if it is one. */
    static Optional<UUID> checkId(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
