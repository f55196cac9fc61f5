package dev.parallax.coordinator.api;

import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.schedule.Schedule;
import dev.parallax.coordinator.schedule.ScheduleHistory;
import dev.parallax.coordinator.schedule.ScheduleService;
import dev.parallax.coordinator.schedule.ScheduleSpec;
import dev.parallax.coordinator.schedule.ScheduleValidator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The schedule API: recurring checks, their runs, and their availability per region and port. */
@Path(ScheduleResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    public static final String PATH = "/api/v1/schedules";
    static final int DEFAULT_RUNS = 50;
    static final int MAX_RUNS = 500;
    private static final Map<String, Duration> WINDOWS = Map.of(
            "24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    private final ScheduleService schedules;
    private final ScheduleValidator validator;
    private final ScheduleHistory history;
    private final CurrentCaller current;

    public ScheduleResource(ScheduleService schedules, ScheduleValidator validator, ScheduleHistory history,
                            CurrentCaller current) {
        this.current = current;
        this.schedules = schedules;
        this.validator = validator;
        this.history = history;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(CreateScheduleRequest request, @Context UriInfo uri) {
        String owner = current.require(Scope.SCHEDULES_WRITE).owner();
        if (request == null) {
            throw new InvalidCheckException("body", "send a JSON object such as {\"target\": \"example.com\","
                    + " \"ports\": [443], \"every\": \"1m\"}");
        }
        ScheduleSpec spec = validator.validate(new ScheduleValidator.Fields(request.target(), request.ports(),
                request.regions(), request.limit(), request.timeoutMs(), request.ipFamily(), request.every(),
                request.cron(), request.expect(), request.alert()));
        Schedule created = schedules.create(owner, spec);
        ScheduleResponse body = toResponse(created, uri, true);
        return Response.created(URI.create(body.self())).entity(body).build();
    }

    @GET
    public List<ScheduleResponse> list(@Context UriInfo uri) {
        return schedules.list(readingOwner()).stream().map(s -> toResponse(s, uri)).toList();
    }

    @GET
    @Path("{id}")
    public ScheduleResponse get(@PathParam("id") String rawId, @Context UriInfo uri) {
        return toResponse(schedules.require(readingOwner(), rawId), uri);
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public ScheduleResponse update(@PathParam("id") String rawId, UpdateScheduleRequest request,
                                   @Context UriInfo uri) {
        UUID id = ScheduleService.parseId(rawId);
        if (request == null) {
            throw new InvalidCheckException("body", "send the fields to change, e.g. {\"paused\": true}");
        }
        ScheduleService.Changes changes = new ScheduleService.Changes(new ScheduleValidator.Fields(
                request.target(), request.ports(), request.regions(), request.limit(), request.timeoutMs(),
                request.ipFamily(), request.every(), request.cron(), request.expect(), request.alert()),
                request.paused());
        return toResponse(schedules.update(current.require(Scope.SCHEDULES_WRITE).owner(), id, changes), uri);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String rawId) {
        schedules.delete(current.require(Scope.SCHEDULES_WRITE).owner(), ScheduleService.parseId(rawId));
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/history")
    public ScheduleRunsResponse history(@PathParam("id") String rawId, @QueryParam("from") String rawFrom,
                                        @QueryParam("to") String rawTo, @QueryParam("limit") String rawLimit,
                                        @Context UriInfo uri) {
        Schedule schedule = schedules.require(readingOwner(), rawId);
        Instant to = rawTo == null || rawTo.isBlank() ? Instant.now() : parseInstant("to", rawTo);
        Instant from = rawFrom == null || rawFrom.isBlank() ? to.minus(Duration.ofHours(24))
                : parseInstant("from", rawFrom);
        if (!from.isBefore(to)) {
            throw new InvalidCheckException("from", "from must lie before to; got from " + from + ", to " + to);
        }
        int limit = QueryParams.limit(rawLimit, DEFAULT_RUNS, MAX_RUNS);
        List<ScheduleHistory.Run> runs = history.runs(schedule.id, from, to, limit + 1);
        boolean more = runs.size() > limit;
        List<ScheduleRunsResponse.Run> shown = new ArrayList<>();
        for (ScheduleHistory.Run run : more ? runs.subList(0, limit) : runs) {
            shown.add(toRun(run, uri));
        }
        return new ScheduleRunsResponse(schedule.id, from, to, shown, more);
    }

    /**
     * Availability and connect-time percentiles per region and port over {@code window} (24h, 7d or 30d), read from
     * hourly aggregates: the window is in whole hours (UTC), from the top of the hour that {@code now - window}
     * falls in up to now, so it covers up to an hour more than asked, and {@code from} in the answer says where it
     * began. A run counts once the rollup added it, within {@code parallax.uptime.rollup-interval} of its
     * completion; runs stay counted after retention deleted their raw results.
     */
    @GET
    @Path("{id}/uptime")
    public UptimeResponse uptime(@PathParam("id") String rawId, @QueryParam("window") String rawWindow) {
        Schedule schedule = schedules.require(readingOwner(), rawId);
        String window = rawWindow == null || rawWindow.isBlank() ? "24h" : rawWindow.strip();
        Duration length = WINDOWS.get(window);
        if (length == null) {
            throw new InvalidCheckException("window", "window must be 24h, 7d or 30d; got '" + rawWindow + "'");
        }
        Instant to = Instant.now();
        Instant from = to.minus(length).truncatedTo(ChronoUnit.HOURS);
        List<UptimeResponse.Region> regions = history.uptime(schedule.id, schedule.expectedState, from).stream()
                .map(region -> new UptimeResponse.Region(region.region(), region.runs(), region.answered(),
                        region.ports().stream().map(port -> new UptimeResponse.Port(port.port(), port.samples(),
                                port.up(), port.samples() == 0 ? null : (double) port.up() / port.samples(),
                                UptimeResponse.Latency.of(port.p50Micros(), port.p95Micros(), port.p99Micros())))
                                .toList()))
                .toList();
        return new UptimeResponse(schedule.id, window, from, to, schedule.expectedState, regions);
    }

    private static Instant parseInstant(String field, String raw) {
        try {
            return Instant.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidCheckException(field, field + " must be an ISO-8601 instant such as"
                    + " 2026-01-31T12:00:00Z; got '" + raw + "'");
        }
    }

    private static ScheduleRunsResponse.Run toRun(ScheduleHistory.Run run, UriInfo uri) {
        Map<String, List<ScheduleRunsResponse.Port>> ports = new LinkedHashMap<>();
        for (PortResult port : run.ports()) {
            ports.computeIfAbsent(port.region, r -> new ArrayList<>()).add(new ScheduleRunsResponse.Port(
                    port.port, port.address, port.state, port.reason, port.rttMicros));
        }
        List<ScheduleRunsResponse.Region> regions = new ArrayList<>();
        for (RegionResult region : run.regions()) {
            regions.add(new ScheduleRunsResponse.Region(region.region, region.status, region.message,
                    ports.getOrDefault(region.region, List.of())));
        }
        String check = run.checkId() == null ? null
                : uri.getBaseUriBuilder().path(CheckResource.PATH).path(run.checkId().toString()).build().toString();
        return new ScheduleRunsResponse.Run(run.dueAt(), run.firedAt(), run.checkId(), run.status(), run.outcome(),
                regions, check);
    }

    static ScheduleResponse toResponse(Schedule schedule, UriInfo uri) {
        return toResponse(schedule, uri, false);
    }

    static ScheduleResponse toResponse(Schedule schedule, UriInfo uri, boolean withSecret) {
        String self = uri.getBaseUriBuilder().path(PATH).path(schedule.id.toString()).build().toString();
        return new ScheduleResponse(schedule.id, schedule.paused, schedule.target, schedule.ports,
                schedule.regions == null ? "all" : schedule.regions, schedule.regionLimit, schedule.timeoutMs,
                schedule.ipFamily, schedule.everyMs == null ? null : schedule.cadence().describe(), schedule.cron,
                schedule.expectedState, new ScheduleResponse.Alert(schedule.alertWebhook, schedule.alertQuorum,
                        schedule.alertConsecutive, withSecret ? schedule.webhookSecret : null),
                schedule.paused ? null : schedule.nextFireAt, schedule.lastFiredAt, schedule.createdAt,
                schedule.updatedAt, self, self + "/history", self + "/uptime", self + "/events");
    }

    /** Reading a schedule, its runs or its uptime takes either scope: whoever may change it may look at it. */
    private String readingOwner() {
        return current.require(Scope.CHECKS_READ, Scope.SCHEDULES_WRITE).owner();
    }
}
