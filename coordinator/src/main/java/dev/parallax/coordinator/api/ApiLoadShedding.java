package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.RoutingProblems;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Sheds load instead of queueing it: an {@code /api/} request that finds {@code parallax.api.max-in-flight} others
 * being worked on or waiting for a worker thread is answered 503 (problem type {@code overloaded}) with
 * {@code Retry-After: 1} at once, before its key is checked. A request counts from the moment its body has
 * arrived ({@link ApiRequestBodies}), so clients that send their bodies slowly take no place here. Without the bound,
 * an overload queued thousands of submissions for the worker threads: each waited seconds, and {@code /q/metrics} and
 * readiness, which share those threads, timed out. Paths outside {@code /api/} are not counted, so health and metrics answer under
 * overload; nor are check event streams, which stay open for the check's life and have their own bound
 * ({@link CheckEventStreams}).
 *
 * <p>A Vert.x route filter, on the event loop, ahead of the REST layer: counting there is what bounds the queue, and
 * a refusal costs no routing, no exception mapping and no worker thread (at 2,000 submissions a second offered,
 * most are refused). The count is given back when the response ends or the connection closes.
 */
@ApplicationScoped
public class ApiLoadShedding {

    /** Before the REST layer's own route (higher runs first). */
    static final int PRIORITY = 100;
    private static final Pattern EVENT_STREAM = Pattern.compile(Pattern.quote(CheckResource.PATH) + "/[^/]+/events/?");

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final Counter shed;
    private final RoutingProblems problems;

    public ApiLoadShedding(ParallaxConfig config, MeterRegistry meters, RoutingProblems problems) {
        this.maxInFlight = config.api().maxInFlight();
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("parallax.api.max-in-flight must be at least 1, got " + maxInFlight);
        }
        this.problems = problems;
        Gauge.builder("parallax.api.requests.in.flight", inFlight, AtomicInteger::get)
                .description("API requests being worked on or waiting for a worker thread (event streams aside)")
                .register(meters);
        this.shed = Counter.builder("parallax.api.requests.shed")
                .description("API requests answered 503 at once because max-in-flight others were in flight")
                .register(meters);
    }

    void register(@Observes Filters filters) {
        filters.register(this::admit, PRIORITY);
    }

    private void admit(RoutingContext routing) {
        String path = ApiPaths.withoutParameters(routing.normalizedPath());
        if (path == null || !path.startsWith("/api/") || EVENT_STREAM.matcher(path).matches()) {
            routing.next();
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            shed.increment();
            problems.send(routing, 503, "overloaded", "Service unavailable", "this coordinator already has "
                    + maxInFlight + " API requests in flight; nothing was done, retry shortly", Map.of("Retry-After", "1"));
            return;
        }
        routing.addEndHandler(ended -> inFlight.decrementAndGet());
        routing.next();
    }
}
