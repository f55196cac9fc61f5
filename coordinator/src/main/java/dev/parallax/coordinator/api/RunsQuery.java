package dev.parallax.coordinator.api;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * The query of {@code GET /api/v1/schedules/{id}/history}: the runs due in [{@code from}, {@code to}), at most
 * {@code limit}. Each field is named as its parameter: a problem names a bad one by it.
 */
@RunsQuery.Ordered
public class RunsQuery {

    /** Taken once per request, so that the default {@code to} is the same instant wherever it is read. */
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @Parameter(description = "Runs due at or after this instant (ISO-8601); default: 24 hours before `to`.",
            example = "2026-11-25T08:00:00Z", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @QueryParam("from")
    @IsoInstant
    String from;

    @Parameter(description = "Runs due before this instant (ISO-8601); default: now.",
            example = "2026-11-26T08:00:00Z", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
    @QueryParam("to")
    @IsoInstant
    String to;

    @Parameter(description = "At most this many runs, the newest.", schema = @Schema(type = SchemaType.INTEGER,
            minimum = "1", maximum = "" + ScheduleResource.MAX_RUNS,
            defaultValue = "" + ScheduleResource.DEFAULT_RUNS))
    @QueryParam("limit")
    @DefaultValue("" + ScheduleResource.DEFAULT_RUNS)
    @Limit(max = ScheduleResource.MAX_RUNS)
    String limit;

    Instant to() {
        Instant given = IsoInstantValidator.instant(to);
        return given == null ? now : given;
    }

    Instant from() {
        Instant given = IsoInstantValidator.instant(from);
        return given == null ? to().minus(Duration.ofHours(24)) : given;
    }

    int limit() {
        return Integer.parseInt(limit);
    }

    /** {@code from} lies before {@code to}, defaults included; reported on {@code from}. */
    @Constraint(validatedBy = OrderedValidator.class)
    @Target(TYPE)
    @Retention(RUNTIME)
    @Documented
    @interface Ordered {

        String message() default "must lie before to; got from {from}, to {to}";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** Checks {@link Ordered}; leaves a bound it cannot read to {@link IsoInstant}. */
    public static class OrderedValidator implements ConstraintValidator<Ordered, RunsQuery> {

        @Override
        public boolean isValid(RunsQuery query, ConstraintValidatorContext context) {
            if (IsoInstantValidator.complaint(query.from, false).isPresent()
                    || IsoInstantValidator.complaint(query.to, false).isPresent() || query.from().isBefore(query.to())) {
                return true;
            }
            context.unwrap(HibernateConstraintValidatorContext.class)
                    .addMessageParameter("from", query.from().toString())
                    .addMessageParameter("to", query.to().toString());
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("from").addConstraintViolation();
            return false;
        }
    }
}
