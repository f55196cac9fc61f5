package dev.parallax.coordinator.api;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Instant;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A query parameter naming an instant in ISO-8601, such as {@code 2026-01-31T12:00:00Z}, between {@link #EARLIEST}
 * and {@link #LATEST}: nothing was created before, and PostgreSQL stores nothing after. With {@link #orCheckId}, a
 * check's id is accepted too (a listing's cursor). Absent or empty is valid, and means absent.
 */
@Constraint(validatedBy = IsoInstantValidator.class)
@Target({FIELD, PARAMETER})
@Retention(RUNTIME)
@Documented
public @interface IsoInstant {

    Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    boolean orCheckId() default false;

    String message() default "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
