package dev.parallax.coordinator.api;

import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.metrics.VerdictExposition;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/v1/metrics/schedules}: the latest verdicts of the caller's schedules for Prometheus to scrape
 * (with the API key as the scrape's bearer credentials: an owner sees only its own schedules).
 */
@Path("/api/v1/metrics/schedules")
@Tag(name = ApiDocumentation.METRICS_TAG)
@APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHENTICATED)
@APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
@APIResponse(responseCode = "429", ref = ApiDocumentation.TOO_MANY_REQUESTS)
@APIResponse(responseCode = "500", ref = ApiDocumentation.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocumentation.UNAVAILABLE)
public class MetricsResource {

    private final VerdictExposition exposition;
    private final CurrentCaller current;

    public MetricsResource(VerdictExposition exposition, CurrentCaller current) {
        this.exposition = exposition;
        this.current = current;
    }

    @GET
    @Operation(operationId = "scrapeScheduleMetrics", summary = "Latest verdicts for Prometheus",
            description = "For each of the caller's schedules that is not paused, its latest completed run in the "
                    + "Prometheus text exposition format, per region, address and port: `parallax_port_open`, "
                    + "`parallax_port_state{state}`, `parallax_connect_seconds`, `parallax_region_up{status}` and "
                    + "`parallax_run_timestamp_seconds` (how fresh the rest is). Scrape it with the API key as the "
                    + "bearer credentials; an owner sees only its own schedules.\n\n"
                    + "Scope: `checks:read` or `schedules:write` (or `admin`).")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The exposition (`text/plain; version=0.0.4; charset=utf-8`), "
            + "written by the Prometheus Java client: families by name, series by their labels; empty while no "
            + "active schedule has completed a run.",
            content = @Content(mediaType = "text/plain",
                    schema = @Schema(type = SchemaType.STRING),
                    examples = @ExampleObject(name = "one schedule, two regions",
                            value = ApiExamples.SCHEDULE_METRICS)))
    public Response scrape() {
        String owner = current.require(Scope.CHECKS_READ, Scope.SCHEDULES_WRITE).owner();
        return Response.ok(exposition.render(owner)).type(VerdictExposition.CONTENT_TYPE).build();
    }
}
