package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.RoutingProblems;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.parallax.coordinator.api.problem.RoutingProblems.printable;

/**
 * Requests whose framing a proxy in front and this coordinator could read two ways are refused, and their connection
 * closed, before any other filter may answer them (Quarkus's CORS filter answers preflights): what follows their body
 * would otherwise be read as a request of its own, smuggled past the proxy (RFC 9112 6.1, 6.3, 11.2).
 * <ul>
 *   <li>a {@code Transfer-Encoding} that is not exactly {@code chunked}, once: chunked not last, or twice, is 400;
 *       another coding before a last chunked is 501, since the coordinator decodes none;</li>
 *   <li>two {@code Host} headers: 400.</li>
 * </ul>
 * Some never get here: Netty's decoder answers a bare 400 and closes for chunked beside a {@code Content-Length} or
 * {@code Transfer-Encoding} on two header lines, and Vert.x refuses an HTTP/1.1 request with no {@code Host}, which
 * {@link dev.parallax.coordinator.api.problem.RequestFailures} answers with a problem.
 */
@ApplicationScoped
public class RequestFraming {

    /** After the page's headers are set, ahead of the host and origin checks and the CORS filter. */
    static final int PRIORITY = RequestOrigins.PRIORITY + 20;
    private static final String CHUNKED = "chunked";
    private static final Logger LOG = Logger.getLogger(RequestFraming.class);

    private final RoutingProblems problems;

    public RequestFraming(RoutingProblems problems) {
        this.problems = problems;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (request.headers().getAll(HttpHeaders.HOST).size() > 1) {
            refuse(routing, 400, "malformed-request", "Malformed request", "the request names its host twice; send one"
                    + " Host header");
            return;
        }
        List<String> codings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
        if (codings.isEmpty()) {
            routing.next();
            return;
        }
        String written = String.join(", ", codings);
        List<String> tokens = Arrays.stream(written.split(",")).map(token -> token.strip().toLowerCase(Locale.ROOT))
                .filter(token -> !token.isEmpty()).toList();
        if (tokens.equals(List.of(CHUNKED))) {
            routing.next();
            return;
        }
        boolean chunkedLastOnly = !tokens.isEmpty() && tokens.getLast().equals(CHUNKED)
                && tokens.indexOf(CHUNKED) == tokens.size() - 1;
        if (!chunkedLastOnly) {
            refuse(routing, 400, "malformed-request", "Malformed request", "Transfer-Encoding '" + printable(written)
                    + "' does not end the body with chunked, once; send the body as it is, or chunked");
            return;
        }
        refuse(routing, 501, "transfer-coding-not-implemented", "Transfer coding not implemented", "Transfer-Encoding '"
                + printable(written) + "' is not decoded here; send the body as it is, or chunked alone");
    }

    private void refuse(RoutingContext routing, int status, String type, String title, String detail) {
        LOG.debugf("%s %s refused with %d: %s", routing.request().method(), routing.normalizedPath(), status, detail);
        problems.sendAndClose(routing, status, type, title, detail, Map.of());
    }
}
