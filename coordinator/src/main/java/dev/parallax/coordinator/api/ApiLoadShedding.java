package dev.parallax.coordinator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.coordinator.api.problem.Problem;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Sheds load instead of queueing it: an {@code /api/} request that finds {@code parallax.api.max-in-flight} others
 * being worked on or waiting for a worker thread is answered 503 (problem type {@code overloaded}) with
 * {@code Retry-After: 1} at once, before its key is checked or its body read. Without the bound, an overload queued
 * thousands of submissions for the worker threads: each waited seconds, and {@code /q/metrics} and readiness, which
 * share those threads, timed out. Paths outside {@code /api/} are not counted, so health and metrics answer under
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
    private static final int PRIORITY = 100;
    private static final Pattern EVENT_STREAM = Pattern.compile(Pattern.quote(CheckResource.PATH) + "/[^/]+/events/?");

    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final Counter shed;
    private final ObjectMapper json;

    public ApiLoadShedding(ParallaxConfig config, MeterRegistry meters, ObjectMapper json) {
        this.maxInFlight = config.api().maxInFlight();
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("parallax.api.max-in-flight must be at least 1, got " + maxInFlight);
        }
        this.json = json;
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
        String path = routing.normalizedPath();
        if (path == null || !path.startsWith("/api/") || EVENT_STREAM.matcher(path).matches()) {
            routing.next();
            return;
        }
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            shed.increment();
            routing.response().setStatusCode(503)
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader("Retry-After", "1")
                    .end(refusal(path));
            return;
        }
        routing.addEndHandler(ended -> inFlight.decrementAndGet());
        routing.next();
    }

    private String refusal(String path) {
        Problem problem = new Problem(Problem.TYPE_BASE + "overloaded", "Service unavailable", 503,
                "this coordinator already has " + maxInFlight + " API requests in flight; nothing was done, retry "
                        + "shortly", path, null);
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            return "{\"type\":\"" + Problem.TYPE_BASE + "overloaded\",\"title\":\"Service unavailable\","
                    + "\"status\":503}";
        }
    }
}
