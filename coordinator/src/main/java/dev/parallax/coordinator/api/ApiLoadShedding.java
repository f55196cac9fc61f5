package dev.parallax.coordinator.api;

import dev.parallax.coordinator.config.ParallaxConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Sheds load instead of queueing it: an {@code /api/} request that finds {@code parallax.api.max-in-flight} others
 * being worked on or waiting for a worker thread gets 503 with Retry-After at once ({@link OverloadedException}),
 * before its key is checked or its body read. Without the bound, an overload queued thousands of submissions for the
 * worker threads: each waited seconds, and {@code /q/metrics} and readiness, which share those threads, timed out.
 * Paths outside {@code /api/} are not counted, so health and metrics answer under overload; nor are check event
 * streams, which stay open for the check's life and have their own bound ({@link CheckEventStreams}).
 *
 * <p>Runs on the event loop ({@code nonBlocking}), before the request is handed to a worker thread: counting there
 * is what makes the queue bounded. The count is given back when the response ends or the connection closes.
 */
public class ApiLoadShedding {

    private static final Pattern EVENT_STREAM = Pattern.compile("/api/v1/checks/[^/]+/events/?");

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final Counter shed;

    public ApiLoadShedding(ParallaxConfig config, MeterRegistry meters) {
        this.maxInFlight = config.api().maxInFlight();
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("parallax.api.max-in-flight must be at least 1, got " + maxInFlight);
        }
        Gauge.builder("parallax.api.requests.in.flight", inFlight, AtomicInteger::get)
                .description("API requests being worked on or waiting for a worker thread (event streams aside)")
                .register(meters);
        this.shed = Counter.builder("parallax.api.requests.shed")
                .description("API requests answered 503 at once because max-in-flight others were in flight")
                .register(meters);
    }

    @ServerRequestFilter(nonBlocking = true, priority = Priorities.AUTHENTICATION - 100)
    public void admit(ContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") || EVENT_STREAM.matcher(path).matches()) {
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            shed.increment();
            throw new OverloadedException(maxInFlight);
        }
        routing.addEndHandler(ended -> inFlight.decrementAndGet());
    }
}
