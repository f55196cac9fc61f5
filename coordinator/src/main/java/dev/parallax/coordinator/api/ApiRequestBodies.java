package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.RoutingProblems;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Map;

/**
 * Reads the body of every request that carries one whole, on the event loop, before the request may take a worker
 * thread or a place among the requests in flight ({@link ApiLoadShedding}); the REST layer then reads the buffered
 * body instead of the connection. A blocking resource method would otherwise read its body through a blocking stream
 * on its worker thread, so a few clients sending their bodies slowly could hold every worker, and with them every API
 * call and health check. Whatever the path: only the API takes bodies, and the REST layer matches paths that a prefix
 * test would not (with {@code ;} parameters in a segment, for one).
 *
 * <p>A body must be uncompressed JSON ({@code application/json}, or {@code application/merge-patch+json} for a PATCH,
 * and no {@code Content-Encoding} but {@code identity}), else 415;
 * at most {@code parallax.api.max-body-bytes}, else 413, before a byte is read when its length is declared and as
 * soon as the limit is passed when it is chunked; whole within {@code parallax.api.body-timeout} of the headers, else
 * 408; and one client address may send at most {@code parallax.api.max-bodies-per-client} bodies at once, else 429.
 * Each refusal closes an HTTP/1 connection, since what the client still sends would be read as its next request.
 *
 * <p>MUST stay ahead of resource methods that read their body on the event loop ({@code @NonBlocking}): the REST
 * layer takes an ended request to have an empty body there. Every resource method with a body is blocking.
 */
@ApplicationScoped
public class ApiRequestBodies {

    /** After the host and origin checks, before load shedding (higher runs first). */
    static final int PRIORITY = ApiLoadShedding.PRIORITY + 100;
    private static final String JSON = "application/json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final Logger LOG = Logger.getLogger(ApiRequestBodies.class);

    private final Vertx vertx;
    private final RoutingProblems problems;
    private final int maxBodyBytes;
    private final long timeoutMillis;
    private final int maxPerClient;
    /** Bodies being read, by client address. */
    private final CountsPerClient reading;
    private final MeterRegistry meters;

    public ApiRequestBodies(Vertx vertx, RoutingProblems problems, ParallaxConfig config, MeterRegistry meters) {
        this.vertx = vertx;
        this.problems = problems;
        this.maxBodyBytes = config.api().maxBodyBytes();
        this.timeoutMillis = config.api().bodyTimeout().toMillis();
        this.maxPerClient = config.api().maxBodiesPerClient();
        this.reading = new CountsPerClient(maxPerClient);
        if (maxBodyBytes < 1 || timeoutMillis < 1 || maxPerClient < 1) {
            throw new IllegalArgumentException("parallax.api.max-body-bytes, body-timeout and max-bodies-per-client "
                    + "must be positive");
        }
        this.meters = meters;
    }

    void register(@Observes Filters filters) {
        filters.register(this::read, PRIORITY);
    }

    private void read(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (!carriesBody(request)) {
            routing.next();
            return;
        }
        String encoding = String.join(", ", request.headers().getAll(HttpHeaders.CONTENT_ENCODING));
        if (!encoding.isEmpty() && !encoding.strip().equalsIgnoreCase("identity")) {
            refuse(routing, 415, "unsupported-media-type", "Unsupported media type", "Content-Encoding '"
                    + RoutingProblems.printable(encoding) + "' is not accepted; send the body uncompressed",
                    Map.of("Accept-Encoding", "identity"));
            return;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (!isJson(type, request.method() == HttpMethod.PATCH)) {
            refuse(routing, 415, "unsupported-media-type", "Unsupported media type", unsupportedMediaType(type),
                    Map.of());
            return;
        }
        long declared = declaredLength(request);
        if (declared > maxBodyBytes) {
            refuse(routing, 413, "request-too-large", "Request body too large", "the body has " + declared
                    + " bytes; at most " + maxBodyBytes + " are accepted", Map.of());
            return;
        }
        String client = ApiClients.address(request);
        if (!reading.tryTake(client)) {
            refuse(routing, 429, "too-many-requests", "Too many requests", "this client address is already "
                    + "sending " + maxPerClient + " request bodies; send one when another has arrived",
                    Map.of("Retry-After", "1"));
            return;
        }
        new BodyRead(routing, client).start();
    }

    /**
     * A request head that announces a body: a length above 0, or a transfer coding. (HTTP/1 only: the coordinator
     * does not speak HTTP/2, whose streams cannot be read ahead of the REST layer, see quarkus.http.http2.)
     */
    private static boolean carriesBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.strip().equals("0");
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** The detail of a 415, here and from the REST layer's own media-type check. */
    public static String unsupportedMediaType(String contentType) {
        return "send the body as JSON with Content-Type: application/json" + (contentType == null
                ? " (none was given)" : "; got '" + RoutingProblems.printable(contentType) + "'");
    }

    private static boolean isJson(String contentType, boolean patch) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals(JSON) && !(patch && type.equals(MERGE_PATCH))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace("\"", "");
            // JSON is UTF-8 (RFC 8259); a body declared in another charset would be read as UTF-8 regardless.
            if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** The declared Content-Length, -1 when there is none (chunked), {@link Long#MAX_VALUE} when it is not a number. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private void refuse(RoutingContext routing, int status, String type, String title, String detail,
                        Map<String, String> headers) {
        Counter.builder("parallax.api.bodies.refused").description("API requests refused while their body was read")
                .tag("status", Integer.toString(status)).register(meters).increment();
        LOG.debugf("%s %s refused with %d: %s", routing.request().method(), routing.normalizedPath(), status, detail);
        problems.sendAndClose(routing, status, type, title, detail, headers);
    }

    /**
     * One body being read. Every callback runs on the connection's event loop (the timer is set from it), so the
     * fields need no locking.
     */
    private final class BodyRead {

        private final RoutingContext routing;
        private final String client;
        private final Buffer body = Buffer.buffer();
        private long timer;
        private boolean finished;

        BodyRead(RoutingContext routing, String client) {
            this.routing = routing;
            this.client = client;
        }

        void start() {
            HttpServerRequest request = routing.request();
            timer = vertx.setTimer(timeoutMillis, fired -> timedOut());
            request.handler(this::chunk);
            request.endHandler(ended -> ended());
            request.exceptionHandler(this::failed);
            if (request.version() == HttpVersion.HTTP_1_1
                    && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                routing.response().writeContinue();
            }
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (finished) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                finish();
                refuse(routing, 413, "request-too-large", "Request body too large", "the body has more than "
                        + maxBodyBytes + " bytes; at most " + maxBodyBytes + " are accepted", Map.of());
                return;
            }
            body.appendBuffer(chunk);
        }

        private void ended() {
            if (finished) {
                return;
            }
            finish();
            routing.setBody(body);
            routing.next();
        }

        private void timedOut() {
            if (finished) {
                return;
            }
            finish();
            refuse(routing, 408, "request-timeout", "Request timeout", "the body did not arrive within "
                    + timeoutMillis + " ms of the headers (" + body.length() + " bytes came)", Map.of());
        }

        private void failed(Throwable failure) {
            if (finished) {
                return;
            }
            finish();
            // The client went away or broke the framing: nobody is left to answer.
            LOG.debugf("%s %s: the body was not read: %s", routing.request().method(), routing.normalizedPath(),
                    failure.toString());
        }

        private void finish() {
            finished = true;
            vertx.cancelTimer(timer);
            reading.release(client);
        }
    }
}
