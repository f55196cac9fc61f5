package dev.parallax.coordinator.api;

import jakarta.validation.Constraint;
import jakarta.validation.OverridesAttribute;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * A {@code limit} query parameter: a whole number from 1 to {@link #max}, in ASCII digits only (a number parser would
 * also read other scripts' digits, such as "５"). One violation, with this message, whichever part fails.
 */
@Pattern(regexp = "[0-9]{1,9}")
@Min(1)
@Max(Integer.MAX_VALUE)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({FIELD, PARAMETER})
@Retention(RUNTIME)
@Documented
public @interface Limit {

    @OverridesAttribute(constraint = Max.class, name = "value")
    long max();

    String message() default "must be a whole number from 1 to {max}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
