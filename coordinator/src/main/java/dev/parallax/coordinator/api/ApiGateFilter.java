package dev.parallax.coordinator.api;

import dev.parallax.coordinator.auth.ApiKeyService;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.quota.Quotas;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * What every {@code /api/} request passes before a resource sees it, once its body has been read
 * ({@link ApiRequestBodies}): the API key (401), then the caller's request rate (429). Scopes and check cost are the
 * resources' business: only they know what a request does.
 *
 * <p>Runs on the worker thread of the (blocking) resource method, so it MAY use the database.
 */
public class ApiGateFilter {

    private final ApiKeyService keys;
    private final CurrentCaller current;
    private final Quotas quotas;

    public ApiGateFilter(ApiKeyService keys, CurrentCaller current, Quotas quotas) {
        this.keys = keys;
        this.current = current;
        this.quotas = quotas;
    }

    /** The API key and the request rate, on the worker thread. */
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void gate(ContainerRequestContext request, HttpServerRequest http) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        Caller caller = keys.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION), ApiClients.address(http));
        current.set(caller);
        quotas.chargeRequest(caller);
    }
}
