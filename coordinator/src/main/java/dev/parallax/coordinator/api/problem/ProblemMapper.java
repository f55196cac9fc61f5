package dev.parallax.coordinator.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.parallax.common.targeting.InvalidTargetException;
import dev.parallax.coordinator.api.ApiKeyNotFoundException;
import dev.parallax.coordinator.api.ApiRequestBodies;
import dev.parallax.coordinator.api.SubmitCheckRequest;
import dev.parallax.coordinator.api.TooManyStreamsException;
import dev.parallax.coordinator.auth.AuthenticationFailedException;
import dev.parallax.coordinator.auth.ScopeMissingException;
import dev.parallax.coordinator.check.CheckNotFoundException;
import dev.parallax.coordinator.check.FieldError;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.database.DatabaseErrors;
import dev.parallax.coordinator.quota.QuotaExceededException;
import dev.parallax.coordinator.quota.Quotas;
import dev.parallax.coordinator.schedule.ScheduleBudgetException;
import dev.parallax.coordinator.schedule.ScheduleLimitException;
import dev.parallax.coordinator.schedule.ScheduleNotFoundException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one place where exceptions become HTTP answers: always {@code application/problem+json}, always a
 * detail that says what to fix, never a stack trace.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private static final String HTTP_TYPE = "about:blank";

    private final ObjectMapper json;

    public ProblemMapper(ObjectMapper json) {
        this.json = json;
    }

    @ServerExceptionMapper
    public Response invalidCheck(InvalidCheckException e, UriInfo uri) {
        return problem(400, "invalid-request", "Invalid request", e.getMessage(), uri, e.errors());
    }

    /**
     * Query parameters their constraints refused, each with what it accepts and what was sent. A parameter is named
     * by the field or method parameter that holds it, which MUST therefore be named as the query parameter.
     */
    @ServerExceptionMapper
    public Response invalidParameters(ConstraintViolationException e, UriInfo uri) {
        List<FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            String parameter = null;
            for (Path.Node node : violation.getPropertyPath()) {
                if (node.getKind() == ElementKind.RETURN_VALUE) {
                    // What a method answered broke its own constraint: our fault, not the caller's.
                    return unexpected(e, uri);
                }
                parameter = node.getName();
            }
            String sent = violation.getInvalidValue() instanceof String value
                    ? "; got '" + RoutingProblems.printable(value) + "'" : "";
            errors.add(new FieldError(parameter, parameter + " " + violation.getMessage() + sent));
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        String detail = errors.stream().map(error -> error.field() + ": " + error.message())
                .collect(Collectors.joining("; "));
        return problem(400, "invalid-request", "Invalid request", detail, uri, errors);
    }

    /** Bean Validation failing otherwise (a constraint declared wrong) is our fault, never the caller's. */
    @ServerExceptionMapper
    public Response validationFailed(ValidationException e, UriInfo uri) {
        return unexpected(e, uri);
    }

    @ServerExceptionMapper
    public Response invalidTarget(InvalidTargetException e, UriInfo uri) {
        return problem(400, "invalid-request", "Invalid request", e.field() + ": " + e.getMessage(), uri,
                List.of(new FieldError(e.field(), e.getMessage())));
    }

    @ServerExceptionMapper
    public Response notFound(CheckNotFoundException e, UriInfo uri) {
        return problem(404, "check-not-found", "Check not found", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response scheduleNotFound(ScheduleNotFoundException e, UriInfo uri) {
        return problem(404, "schedule-not-found", "Schedule not found", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response scheduleLimit(ScheduleLimitException e, UriInfo uri) {
        return problem(409, "schedule-limit", "Too many schedules", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response scheduleBudget(ScheduleBudgetException e, UriInfo uri) {
        return Response.fromResponse(problem(429, "quota-exceeded", "Too many requests", e.getMessage(), uri, null))
                .header("X-RateLimit-Limit", e.budget())
                .header("X-RateLimit-Remaining", e.remaining())
                .header("X-Request-Cost", e.cost()).build();
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        return Response.fromResponse(problem(401, "unauthenticated", "Unauthenticated", e.getMessage(), uri, null))
                .header("WWW-Authenticate", "Bearer realm=\"parallax\"").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ScopeMissingException e, UriInfo uri) {
        return problem(403, "scope-missing", "Forbidden", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response overQuota(QuotaExceededException e, UriInfo uri) {
        Quotas.Usage usage = e.usage();
        return usage.addHeaders(Response.fromResponse(
                        problem(429, "quota-exceeded", "Too many requests", e.getMessage(), uri, null)))
                .header("Retry-After", usage.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response tooManyStreams(TooManyStreamsException e, UriInfo uri) {
        if (e.perCaller()) {
            return Response.fromResponse(problem(429, "too-many-streams", "Too many requests", e.getMessage(), uri,
                    null)).header("Retry-After", "5").build();
        }
        return Response.fromResponse(problem(503, "too-many-streams", "Service unavailable", e.getMessage(), uri,
                null)).header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response apiKeyNotFound(ApiKeyNotFoundException e, UriInfo uri) {
        return problem(404, "api-key-not-found", "API key not found", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        String field = e.getPropertyName();
        String known = e.getKnownPropertyIds() == null ? String.join(", ", SubmitCheckRequest.FIELDS)
                : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        String detail = "unknown field '" + field + "'; known fields: " + known;
        return problem(400, "invalid-request", "Invalid request", detail, uri,
                List.of(new FieldError(field, "unknown field")));
    }

    /** Declared for its own type: quarkus-rest-jackson maps this one itself, to a 400 without a body. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        JsonErrors.Described described = JsonErrors.describe(e);
        if (described.malformed()) {
            return problem(400, "malformed-json", "Malformed JSON", described.message(), uri, null);
        }
        if (described.field().isEmpty()) {
            return problem(400, "invalid-request", "Invalid request", described.message(), uri, null);
        }
        return problem(400, "invalid-request", "Invalid request", described.field() + ": " + described.message(),
                uri, List.of(new FieldError(described.field(), described.message())));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        // The JSON reader wraps some parse failures (e.g. a truncated body) in a plain 400.
        if (e.getCause() instanceof UnrecognizedPropertyException unknown) {
            return unknownField(unknown, uri);
        }
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return badJson(unreadable, uri);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        if (status == 415) {
            return problem(415, "unsupported-media-type", "Unsupported media type",
                    ApiRequestBodies.unsupportedMediaType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE)), uri, null);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "no resource at " + uri.getPath();
            case 405 -> "method not allowed on " + uri.getPath();
            case 406 -> "this resource answers application/json";
            default -> JsonErrors.scrub(e.getMessage());
        };
        return problem(status, HTTP_TYPE, title, detail, uri, null);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (DatabaseErrors.isTransient(e)) {
            LOG.warnf("Database unreachable while serving %s: %s", uri.getPath(), e.getMessage());
            Response response = problem(503, "unavailable", "Service unavailable",
                    "the database is unreachable; nothing was stored, retry shortly", uri, null);
            return Response.fromResponse(response).header("Retry-After", "5").build();
        }
        if (clientWentAway(e)) {
            // Expected whenever clients hang up; worth neither an ERROR nor a stack trace, and nobody reads the answer.
            LOG.debugf("The client of %s went away: %s", uri.getPath(), e.toString());
            return problem(400, "client-closed", "Client closed the request", "the connection closed before the "
                    + "request was answered", uri, null);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s serving %s", reference, uri.getPath());
        return problem(500, "internal-error", "Internal error",
                "an unexpected error occurred; quote reference " + reference + " when reporting it", uri, null);
    }

    /** A connection closed or reset by the client, found anywhere in the causes. */
    static boolean clientWentAway(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof HttpClosedException || cause instanceof ClosedChannelException) {
                return true;
            }
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof IOException && (message.contains("Connection reset") || message.contains("Broken pipe")
                    || message.contains("Connection was closed"))) {
                return true;
            }
            if (cause instanceof VertxException && message.contains("Connection was closed")
                    || cause instanceof IllegalStateException && (message.equals("Already closed")
                    || message.equals("Response is closed"))) {
                return true;
            }
        }
        return false;
    }

    private Response problem(int status, String type, String title, String detail, UriInfo uri,
                             List<FieldError> errors) {
        Problem problem = new Problem(type.equals(HTTP_TYPE) ? HTTP_TYPE : Problem.TYPE_BASE + type, title, status, detail, uri == null ? null : uri.getPath(),
                errors == null || errors.isEmpty() ? null : errors);
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            body = "{\"title\":\"" + title + "\",\"status\":" + status + "}";
        }
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }
}
