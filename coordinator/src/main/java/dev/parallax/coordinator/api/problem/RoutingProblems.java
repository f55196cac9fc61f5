package dev.parallax.coordinator.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/**
 * Problems answered by the HTTP filters that run on the event loop, ahead of the REST layer and its exception
 * mappers ({@link ProblemMapper}): the same {@code application/problem+json} body, written straight to the response.
 */
@ApplicationScoped
public class RoutingProblems {

    private final ObjectMapper json;

    public RoutingProblems(ObjectMapper json) {
        this.json = json;
    }

    /** Answers the request with a problem of type {@code urn:parallax:problem:<type>} and the given headers. */
    public void send(RoutingContext routing, int status, String type, String title, String detail,
                     Map<String, String> headers) {
        HttpServerResponse response = routing.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE);
        headers.forEach(response::putHeader);
        response.end(body(status, type, title, detail, routing.normalizedPath()));
    }

    /**
     * As {@link #send}, for a request whose body was not read to its end: on HTTP/1.x the connection is closed once
     * the answer is written, since what the client still sends would otherwise be read as its next request.
     */
    public void sendAndClose(RoutingContext routing, int status, String type, String title, String detail,
                             Map<String, String> headers) {
        HttpServerRequest request = routing.request();
        boolean http1 = request.version() == HttpVersion.HTTP_1_0 || request.version() == HttpVersion.HTTP_1_1;
        HttpServerResponse response = routing.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (http1) {
            response.putHeader("Connection", "close");
            routing.addEndHandler(ended -> request.connection().close());
        }
        send(routing, status, type, title, detail, headers);
    }

    /** At most 100 printable ASCII characters of what a client sent, to quote in a problem's detail. */
    public static String printable(String text) {
        String kept = text.codePoints().filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return kept.length() > 100 ? kept.substring(0, 100) + "…" : kept;
    }

    private String body(int status, String type, String title, String detail, String path) {
        Problem problem = new Problem(Problem.TYPE_BASE + type, title, status, detail, path, null);
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            return "{\"type\":\"" + Problem.TYPE_BASE + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                    + "}";
        }
    }
}
