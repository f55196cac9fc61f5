package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.util.Optional;

/**
 * An API call that did not succeed: an error answer (its status and, for problem+json, the problem), no answer
 * at all, or an answer that makes no sense. The message is meant for people: the problem's detail and the status.
 */
public final class ApiException extends RuntimeException {

    /** What went wrong, as far as a caller deciding what to do next is concerned. */
    public enum Kind {
        /** 400, 409, 413, 415 ...: the request was wrong. */
        BAD_INPUT,
        /** 404. */
        NOT_FOUND,
        /** 401, 403: no key, a revoked key, or a missing scope. */
        REFUSED,
        /** 429. */
        OVER_QUOTA,
        /** 5xx, or an answer that makes no sense. */
        SERVER,
        /** No answer at all. */
        UNREACHABLE,
        /** The calling thread was interrupted while it waited. */
        INTERRUPTED
    }

    private final Kind kind;
    private final int status;
    private final Problem problem;

    private ApiException(Kind kind, int status, Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.problem = problem;
    }

    /** An error answer: the problem's detail (else its title) when the body is JSON, and the status. */
    static ApiException of(int status, String body) {
        String message;
        Problem problem = null;
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            message = json.path("detail").asText(json.path("title").asText("HTTP " + status));
            if (json.isObject()) {
                problem = Problem.from(json);
            }
        } catch (IOException e) {
            message = "HTTP " + status + (body.isBlank() ? "" : ": " + body.strip());
        }
        Kind kind = status == 401 || status == 403 ? Kind.REFUSED
                : status == 404 ? Kind.NOT_FOUND
                : status == 429 ? Kind.OVER_QUOTA
                : status / 100 == 4 ? Kind.BAD_INPUT : Kind.SERVER;
        return new ApiException(kind, status, problem, message + " (HTTP " + status + ")", null);
    }

    static ApiException unreachable(URI base, IOException cause) {
        String why = cause instanceof ConnectException ? "connection refused"
                : cause instanceof HttpTimeoutException ? "no answer in time" : cause.toString();
        return new ApiException(Kind.UNREACHABLE, 0, null, "cannot reach the Parallax API at " + base + ": " + why,
                cause);
    }

    static ApiException interrupted(InterruptedException cause) {
        return new ApiException(Kind.INTERRUPTED, 0, null, "interrupted", cause);
    }

    static ApiException notJson(String body) {
        return new ApiException(Kind.SERVER, 0, null, "the API answered something that is not JSON: " + body, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status of the answer; 0 when there was none, or it was a success that made no sense. */
    public int status() {
        return status;
    }

    /** The answer's body as a problem, when it was a JSON object. */
    public Optional<Problem> problem() {
        return Optional.ofNullable(problem);
    }
}
