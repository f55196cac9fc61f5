package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Optional;
import java.util.function.Function;

/**
 * One answer of the API: its status, headers and body, and, for a success, the body read as {@code T}. A caller
 * that only wants the value calls {@link #value()}, which throws {@link ApiException} for an error answer; one that
 * tells answers apart (a 503 under load, a 429 over quota) looks at {@link #status()} and {@link #problem()}.
 *
 * @param <T> what a successful answer holds
 */
public final class ApiResponse<T> {

    private final int status;
    private final HttpHeaders headers;
    private final String body;
    private final Function<String, T> reader;

    ApiResponse(int status, HttpHeaders headers, String body, Function<String, T> reader) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.reader = reader;
    }

    public int status() {
        return status;
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status / 100 == 2;
    }

    /**
     * The body of a success, typed.
     *
     * @throws ApiException for an error answer (with the problem's detail and the status), or a success whose
     *                      body is not what the API sends
     */
    public T value() {
        if (!isSuccess()) {
            throw failure();
        }
        return reader.apply(body);
    }

    /** The error answer as an exception; for a success, one saying it was not an error. */
    public ApiException failure() {
        return ApiException.of(status, body);
    }

    /** The problem of an error answer sent as {@code application/problem+json}. */
    public Optional<Problem> problem() {
        if (isSuccess() || !header("Content-Type").orElse("").contains(Problem.MEDIA_TYPE)) {
            return Optional.empty();
        }
        return ApiException.of(status, body).problem();
    }

    /** The body as it came. */
    public String body() {
        return body;
    }

    /** The body as JSON, e.g. to print what the API sent; throws {@link ApiException} if it is not JSON. */
    public JsonNode json() {
        return Json.parse(body);
    }

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The {@code Location} header: where a created resource is. */
    public Optional<URI> location() {
        return header("Location").map(URI::create);
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
