package dev.parallax.coordinator.api;

import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.schedule.VerdictExposition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/v1/metrics/schedules}: the latest verdicts of the caller's schedules for Prometheus to scrape
 * (with the API key as the scrape's bearer credentials: an owner sees only its own schedules).
 */
@Path("/api/v1/metrics/schedules")
public class MetricsResource {

    private final VerdictExposition exposition;
    private final CurrentCaller current;

    public MetricsResource(VerdictExposition exposition, CurrentCaller current) {
        this.exposition = exposition;
        this.current = current;
    }

    @GET
    public Response scrape() {
        String owner = current.require(Scope.CHECKS_READ, Scope.SCHEDULES_WRITE).owner();
        return Response.ok(exposition.render(owner)).type(VerdictExposition.CONTENT_TYPE).build();
    }
}
