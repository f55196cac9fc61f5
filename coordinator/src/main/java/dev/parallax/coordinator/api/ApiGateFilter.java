package dev.parallax.coordinator.api;

import dev.parallax.coordinator.auth.ApiKeyService;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.quota.Quotas;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * What every {@code /api/} request passes before a resource sees it, in this order: the body size (413 before
 * anything is read), the API key (401), and the caller's request rate (429). Scopes and check cost are the
 * resources' business: only they know what a request does.
 *
 * <p>The size check runs on the event loop; the key and rate check on the worker thread of the (blocking) resource
 * method, so it MAY use the database.
 */
public class ApiGateFilter {

    private final ApiKeyService keys;
    private final CurrentCaller current;
    private final Quotas quotas;
    private final int maxBodyBytes;

    public ApiGateFilter(ApiKeyService keys, CurrentCaller current, Quotas quotas, ParallaxConfig config) {
        this.keys = keys;
        this.current = current;
        this.quotas = quotas;
        this.maxBodyBytes = config.api().maxBodyBytes();
    }

    /**
     * The body size, on the event loop before anything is read: a declared length over the limit is 413 at once,
     * without taking a worker thread.
     */
    @ServerRequestFilter(nonBlocking = true, priority = Priorities.AUTHENTICATION - 50)
    public void limitBody(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long bytes;
            try {
                bytes = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes > maxBodyBytes) {
                throw new RequestTooLargeException(bytes, maxBodyBytes);
            }
        }
    }

    /** The API key and the request rate, on the worker thread. */
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void gate(ContainerRequestContext request, HttpServerRequest http) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        Caller caller = keys.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION), clientAddress(http));
        current.set(caller);
        quotas.chargeRequest(caller);
    }

    private static String clientAddress(HttpServerRequest http) {
        // With quarkus.http.proxy.proxy-address-forwarding on, Quarkus has already put the forwarded address here.
        SocketAddress remote = http.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }
}
