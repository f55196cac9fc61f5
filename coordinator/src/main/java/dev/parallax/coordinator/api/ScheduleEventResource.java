package dev.parallax.coordinator.api;

import dev.parallax.coordinator.alert.ScheduleEvents;
import dev.parallax.coordinator.api.problem.Problem;
import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.schedule.Schedule;
import dev.parallax.coordinator.schedule.ScheduleService;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * {@code GET /api/v1/schedules/{id}/events}: what changed (a port down or up again from a region, an alert firing
 * or resolved, regions starting or stopping to disagree), newest first, each with its webhook delivery and the
 * log of every attempt.
 */
@Path(ScheduleResource.PATH + "/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.SCHEDULES_TAG)
@APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHENTICATED)
@APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
@APIResponse(responseCode = "429", ref = ApiDocumentation.TOO_MANY_REQUESTS)
@APIResponse(responseCode = "500", ref = ApiDocumentation.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocumentation.UNAVAILABLE)
public class ScheduleEventResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final ScheduleService schedules;
    private final ScheduleEvents events;
    private final CurrentCaller current;

    public ScheduleEventResource(ScheduleService schedules, ScheduleEvents events, CurrentCaller current) {
        this.current = current;
        this.schedules = schedules;
        this.events = events;
    }

    @GET
    @Operation(operationId = "listScheduleEvents", summary = "A schedule's events",
            description = "What changed, newest first: `port-down` and `port-up` (per region, once `consecutive` "
                    + "runs in a row agree), `alert-firing` and `alert-resolved` (at least `quorum` regions hold a "
                    + "port down, or no longer do), `divergence-started` and `divergence-ended` (the regions "
                    + "disagree about a port's state, or agree again). Each comes with its webhook delivery "
                    + "(`PENDING`, `DELIVERED` or `FAILED`; null without a webhook) and every attempt.\n\n"
                    + "Scope: `checks:read` or `schedules:write` (or `admin`).")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The events, newest first.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ScheduleEvents.Event.class),
                    examples = @ExampleObject(name = "an alert delivered at the third attempt",
                            value = ApiExamples.SCHEDULE_EVENTS)))
    @APIResponse(responseCode = "400", description = "A `limit` that cannot be read.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "bad limit", value = ApiExamples.INVALID_EVENTS_LIMIT)))
    @APIResponse(responseCode = "404", description = "No schedule of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown schedule", value = ApiExamples.SCHEDULE_NOT_FOUND)))
    public List<ScheduleEvents.Event> list(@Parameter(description = "The schedule's id.",
                                                   example = "ed3784cd-a911-4883-b474-5eff668bc3f6",
                                                   schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                           @PathParam("id") String rawId,
                                           @Parameter(description = "At most this many events, the newest.",
                                                   schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
                                                           maximum = "" + MAX_LIMIT,
                                                           defaultValue = "" + DEFAULT_LIMIT))
                                           @QueryParam("limit") @DefaultValue("" + DEFAULT_LIMIT)
                                           @Limit(max = MAX_LIMIT) String limit) {
        Schedule schedule = schedules.require(current.require(Scope.CHECKS_READ, Scope.SCHEDULES_WRITE).owner(), rawId);
        return events.recent(schedule.id(), Integer.parseInt(limit));
    }
}
