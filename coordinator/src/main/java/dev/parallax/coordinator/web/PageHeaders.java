package dev.parallax.coordinator.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;

/**
 * The headers of every answer of the coordinator's HTTP port: {@code X-Content-Type-Options: nosniff} on all, and on
 * the web page's own files a Content-Security-Policy that lets it load and call nothing but this origin and be framed
 * by nobody, and {@code Cache-Control: no-cache}, so that a browser revalidates the page at each load and a new version
 * is picked up at once (the static handler's own caching, a day's {@code immutable}, is off).
 */
@ApplicationScoped
public class PageHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    private static final Set<String> PAGE = Set.of("/", "/index.html", "/app.js", "/app.css");
    /** First of all (higher runs first), so that every answer carries them, refusals included. */
    private static final int PRIORITY = 450;

    void register(@Observes Filters filters) {
        filters.register(this::addHeaders, PRIORITY);
    }

    private void addHeaders(RoutingContext routing) {
        HttpServerResponse response = routing.response();
        response.putHeader("X-Content-Type-Options", "nosniff");
        if (PAGE.contains(routing.normalizedPath())) {
            response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("Cache-Control", "no-cache");
        }
        routing.next();
    }
}
