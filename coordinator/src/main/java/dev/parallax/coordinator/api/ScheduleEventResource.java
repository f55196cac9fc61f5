package dev.parallax.coordinator.api;

import dev.parallax.coordinator.alert.ScheduleEvents;
import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.schedule.Schedule;
import dev.parallax.coordinator.schedule.ScheduleService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code GET /api/v1/schedules/{id}/events}: what changed (a port down or up again from a region, an alert firing
 * or resolved, regions starting or stopping to disagree), newest first, each with its webhook delivery and the
 * log of every attempt.
 */
@Path(ScheduleResource.PATH + "/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
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
    public List<ScheduleEvents.Event> list(@PathParam("id") String rawId, @QueryParam("limit") String rawLimit) {
        Schedule schedule = schedules.require(current.require(Scope.CHECKS_READ, Scope.SCHEDULES_WRITE).owner(), rawId);
        return events.recent(schedule.id, QueryParams.limit(rawLimit, DEFAULT_LIMIT, MAX_LIMIT));
    }
}
