package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.Problem;
import dev.parallax.coordinator.auth.Caller;
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
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The schedule API: recurring checks, their runs, and their availability per region and port. */
@Path(ScheduleResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.SCHEDULES_TAG)
@APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHENTICATED)
@APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
@APIResponse(responseCode = "429", ref = ApiDocumentation.TOO_MANY_REQUESTS)
@APIResponse(responseCode = "500", ref = ApiDocumentation.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocumentation.UNAVAILABLE)
public class ScheduleResource {

    private static final String ID_DESCRIPTION = "The schedule's id.";
    private static final String ID_EXAMPLE = "ed3784cd-a911-4883-b474-5eff668bc3f6";
    private static final String READ_SCOPES = "\n\nScope: `checks:read` or `schedules:write` (or `admin`).";
    private static final String WRITE_SCOPE = "\n\nScope: `schedules:write` (or `admin`).";

    public static final String PATH = "/api/v1/schedules";
    static final int DEFAULT_RUNS = 50;
    static final int MAX_RUNS = 500;

    private final ScheduleService schedules;
    private final ScheduleValidator validator;
    private final ScheduleHistory history;
    private final CurrentCaller current;
    private final ApiLinks links;

    public ScheduleResource(ScheduleService schedules, ScheduleValidator validator, ScheduleHistory history,
                            CurrentCaller current, ApiLinks links) {
        this.current = current;
        this.schedules = schedules;
        this.validator = validator;
        this.history = history;
        this.links = links;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createSchedule", summary = "Create a schedule",
            description = "A check to run again and again, `every` interval or on a `cron` expression, from the "
                    + "regions named or from every region with a live agent at each run. Its first run is spread "
                    + "over its first interval. The answer carries `alert.secret`, which signs the webhook's "
                    + "bodies, this once and never again.\n\n"
                    + "A schedule is charged to the key that creates it (or last changes it): what it may cost in an "
                    + "hour at its densest (ports x the most regions a run can probe x runs an hour) must fit the "
                    + "key's hourly check budget beside the key's other active schedules, and each run takes its cost "
                    + "(ports x regions) from that budget, as a check does; a run the budget cannot pay for is "
                    + "skipped, with the reason in the history and a `runs-skipped` event." + WRITE_SCOPE)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "201", description = "Created, with the webhook secret.",
            headers = @Header(name = ApiDocumentation.LOCATION, ref = ApiDocumentation.LOCATION),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ScheduleResponse.class),
                    examples = @ExampleObject(name = "created", value = ApiExamples.SCHEDULE_CREATED)))
    @APIResponse(responseCode = "400", description = "The schedule cannot be run as asked: every wrong field is "
            + "listed in `errors` (as for a check, plus `every`, `cron`, `expect` and `alert.*`). Also a body that "
            + "is not JSON, an unknown field, and a schedule that alone costs more an hour than the key's whole "
            + "hourly budget.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = {
                            @ExampleObject(name = "invalid fields", value = ApiExamples.INVALID_SCHEDULE),
                            @ExampleObject(name = "malformed JSON", value = ApiExamples.MALFORMED_JSON),
                            @ExampleObject(name = "over the whole budget", value = ApiExamples.SCHEDULE_OVER_BUDGET)
                    }))
    @APIResponse(responseCode = "409", description = "The owner already has `parallax.schedules.max-per-owner` "
            + "schedules (100 by default).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "too many schedules", value = ApiExamples.SCHEDULE_LIMIT)))
    @APIResponse(responseCode = "429", ref = ApiDocumentation.SCHEDULE_OVER_BUDGET)
    @APIResponse(responseCode = "408", ref = ApiDocumentation.REQUEST_TIMEOUT)
    @APIResponse(responseCode = "413", ref = ApiDocumentation.REQUEST_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDocumentation.UNSUPPORTED_MEDIA_TYPE)
    public Response create(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                   schema = @Schema(implementation = CreateScheduleRequest.class),
                                   examples = {
                                           @ExampleObject(name = "every minute, with a webhook",
                                                   value = ApiExamples.CREATE_SCHEDULE),
                                           @ExampleObject(name = "cron, watching that a port stays shut",
                                                   value = ApiExamples.CREATE_CRON_SCHEDULE)
                                   }))
                           CreateScheduleRequest request, @Context UriInfo uri) {
        Caller caller = current.require(Scope.SCHEDULES_WRITE);
        if (request == null) {
            throw new InvalidCheckException("body", "send a JSON object such as {\"target\": \"example.com\","
                    + " \"ports\": [443], \"every\": \"1m\"}");
        }
        ScheduleSpec spec = validator.validate(new ScheduleValidator.Fields(request.target(), request.ports(),
                request.regions(), request.limit(), request.timeoutMs(), request.ipFamily(), request.every(),
                request.cron(), request.expect(), request.alert()));
        Schedule created = schedules.create(caller, spec);
        ScheduleResponse body = toResponse(created, uri, true);
        return Response.created(URI.create(body.self())).entity(body).build();
    }

    @GET
    @Operation(operationId = "listSchedules", summary = "List schedules",
            description = "The caller's schedules, newest first (at most `parallax.schedules.max-per-owner`)."
                    + READ_SCOPES)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The schedules, without their webhook secrets.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ScheduleResponse.class),
                    examples = @ExampleObject(name = "one schedule", value = ApiExamples.SCHEDULE_LIST)))
    public List<ScheduleResponse> list(@Context UriInfo uri) {
        return schedules.list(readingOwner()).stream().map(s -> toResponse(s, uri)).toList();
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getSchedule", summary = "Read a schedule",
            description = "One schedule, with when it runs next and when it last ran." + READ_SCOPES)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The schedule, without its webhook secret.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ScheduleResponse.class),
                    examples = @ExampleObject(name = "a schedule", value = ApiExamples.SCHEDULE)))
    @APIResponse(responseCode = "404", description = "No schedule of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown schedule", value = ApiExamples.SCHEDULE_NOT_FOUND)))
    public ScheduleResponse get(@Parameter(description = ID_DESCRIPTION, example = ID_EXAMPLE,
                                        schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                @PathParam("id") String rawId, @Context UriInfo uri) {
        return toResponse(schedules.require(readingOwner(), rawId), uri);
    }

    @PATCH
    @Path("{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Operation(operationId = "updateSchedule", summary = "Change, pause or resume a schedule",
            description = "Changes the fields sent; absent ones stay as they are, and the result is validated as a "
                    + "whole. `every` replaces a cron and `cron` an interval, and either starts a new grid. "
                    + "`{\"paused\": true}` pauses; `{\"paused\": false}` resumes, continuing the grid from now on "
                    + "without the runs missed. In `alert`, the fields sent replace the stored ones (`\"webhook\": "
                    + "null` removes the webhook). From now on the schedule is charged to the caller's key, and, unless "
                    + "it is paused, must fit that key's hourly budget beside its other active schedules, as when "
                    + "created." + WRITE_SCOPE)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The schedule as changed.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ScheduleResponse.class),
                    examples = @ExampleObject(name = "paused", value = ApiExamples.PAUSED_SCHEDULE)))
    @APIResponse(responseCode = "400", description = "The changed schedule would be invalid: every wrong field is "
            + "listed in `errors`, or it alone would cost more an hour than the key's whole budget; nothing is "
            + "changed.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = {
                            @ExampleObject(name = "invalid fields", value = ApiExamples.INVALID_SCHEDULE),
                            @ExampleObject(name = "over the whole budget", value = ApiExamples.SCHEDULE_OVER_BUDGET)
                    }))
    @APIResponse(responseCode = "429", ref = ApiDocumentation.SCHEDULE_OVER_BUDGET)
    @APIResponse(responseCode = "404", description = "No schedule of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown schedule", value = ApiExamples.SCHEDULE_NOT_FOUND)))
    @APIResponse(responseCode = "408", ref = ApiDocumentation.REQUEST_TIMEOUT)
    @APIResponse(responseCode = "413", ref = ApiDocumentation.REQUEST_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDocumentation.UNSUPPORTED_MEDIA_TYPE)
    public ScheduleResponse update(@Parameter(description = ID_DESCRIPTION, example = ID_EXAMPLE,
                                           schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                   @PathParam("id") String rawId,
                                   @RequestBody(required = true, content = {
                                           @Content(mediaType = MediaType.APPLICATION_JSON,
                                                   schema = @Schema(implementation = UpdateScheduleRequest.class),
                                                   examples = {
                                                           @ExampleObject(name = "pause",
                                                                   value = ApiExamples.PAUSE_SCHEDULE),
                                                           @ExampleObject(name = "hourly, one port, no webhook",
                                                                   value = ApiExamples.CHANGE_SCHEDULE)
                                                   }),
                                           @Content(mediaType = "application/merge-patch+json",
                                                   schema = @Schema(implementation = UpdateScheduleRequest.class),
                                                   examples = @ExampleObject(name = "pause",
                                                           value = ApiExamples.PAUSE_SCHEDULE))
                                   })
                                   UpdateScheduleRequest request, @Context UriInfo uri) {
        UUID id = ScheduleService.parseId(rawId);
        if (request == null) {
            throw new InvalidCheckException("body", "send the fields to change, e.g. {\"paused\": true}");
        }
        ScheduleService.Changes changes = new ScheduleService.Changes(new ScheduleValidator.Fields(
                request.target(), request.ports(), request.regions(), request.limit(), request.timeoutMs(),
                request.ipFamily(), request.every(), request.cron(), request.expect(), request.alert()),
                request.paused());
        return toResponse(schedules.update(current.require(Scope.SCHEDULES_WRITE), id, changes), uri);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteSchedule", summary = "Delete a schedule",
            description = "Deletes the schedule with its runs' records, uptime and events; the checks it ran stay, "
                    + "without their schedule." + WRITE_SCOPE)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", description = "No schedule of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown schedule", value = ApiExamples.SCHEDULE_NOT_FOUND)))
    public Response delete(@Parameter(description = ID_DESCRIPTION, example = ID_EXAMPLE,
                                   schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                           @PathParam("id") String rawId) {
        schedules.delete(current.require(Scope.SCHEDULES_WRITE).owner(), ScheduleService.parseId(rawId));
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/history")
    @Operation(operationId = "getScheduleHistory", summary = "A schedule's runs",
            description = "The runs due in [`from`, `to`), newest first: due and fire time, the check and its "
                    + "status, and per region and port the state, reason and connect time. A run that could not be "
                    + "submitted (no region had a live agent) is listed with the reason in `outcome`." + READ_SCOPES)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The runs; `more` says whether older ones in the range were "
            + "left out by `limit`.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ScheduleRunsResponse.class),
                    examples = @ExampleObject(name = "a run and a run that could not be submitted",
                            value = ApiExamples.SCHEDULE_HISTORY)))
    @APIResponse(responseCode = "400", description = "A `from`, `to` or `limit` that cannot be read, or `from` not "
            + "before `to`.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "from after to", value = ApiExamples.INVALID_HISTORY_RANGE)))
    @APIResponse(responseCode = "404", description = "No schedule of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown schedule", value = ApiExamples.SCHEDULE_NOT_FOUND)))
    public ScheduleRunsResponse history(@Parameter(description = ID_DESCRIPTION, example = ID_EXAMPLE,
                                                schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                        @PathParam("id") String rawId,
                                        @Valid @BeanParam RunsQuery query, @Context UriInfo uri) {
        Schedule schedule = schedules.require(readingOwner(), rawId);
        Instant from = query.from();
        Instant to = query.to();
        int limit = query.limit();
        List<ScheduleHistory.Run> runs = history.runs(schedule.id(), from, to, limit + 1);
        boolean more = runs.size() > limit;
        List<ScheduleRunsResponse.Run> shown = new ArrayList<>();
        for (ScheduleHistory.Run run : more ? runs.subList(0, limit) : runs) {
            shown.add(toRun(run, uri));
        }
        return new ScheduleRunsResponse(schedule.id(), from, to, shown, more);
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
    @Operation(operationId = "getScheduleUptime", summary = "A schedule's availability per region and port",
            description = "Per region, the runs that asked it and those it answered; per region and port, the "
                    + "probes with an answer about the target (`samples`; an ERROR says nothing about it and is "
                    + "left out), those in the expected state (`up`), `availability` = up / samples, and "
                    + "connect-time percentiles of the probes answered OPEN or CLOSED. Read from hourly aggregates: "
                    + "the window is whole UTC hours from the top of the hour `now - window` falls in (`from` says "
                    + "where), a run counts within `parallax.uptime.rollup-interval` of completing, and uptime "
                    + "outlives the raw results." + READ_SCOPES)
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "schedules:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "Availability and latency per region and port.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = UptimeResponse.class),
                    examples = @ExampleObject(name = "443 down from one region", value = ApiExamples.SCHEDULE_UPTIME)))
    @APIResponse(responseCode = "400", description = "A `window` other than 24h, 7d or 30d.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown window", value = ApiExamples.INVALID_WINDOW)))
    @APIResponse(responseCode = "404", description = "No schedule of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown schedule", value = ApiExamples.SCHEDULE_NOT_FOUND)))
    public UptimeResponse uptime(@Parameter(description = ID_DESCRIPTION, example = ID_EXAMPLE,
                                         schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                 @PathParam("id") String rawId,
                                 @Parameter(description = "How far back to look.", schema = @Schema(
                                         type = SchemaType.STRING, enumeration = {"24h", "7d", "30d"},
                                         defaultValue = "24h"))
                                 @QueryParam("window") @DefaultValue("24h")
                                 @Pattern(regexp = UptimeWindow.NAMES, message = "must be 24h, 7d or 30d")
                                 String window) {
        Schedule schedule = schedules.require(readingOwner(), rawId);
        Duration length = UptimeWindow.named(window).length;
        Instant to = Instant.now();
        Instant from = to.minus(length).truncatedTo(ChronoUnit.HOURS);
        List<UptimeResponse.Region> regions = history.uptime(schedule.id(), schedule.expectedState(), from).stream()
                .map(region -> new UptimeResponse.Region(region.region(), region.runs(), region.answered(),
                        region.ports().stream().map(port -> new UptimeResponse.Port(port.port(), port.samples(),
                                port.up(), port.samples() == 0 ? null : (double) port.up() / port.samples(),
                                UptimeResponse.Latency.of(port.p50Micros(), port.p95Micros(), port.p99Micros())))
                                .toList()))
                .toList();
        return new UptimeResponse(schedule.id(), window, from, to, schedule.expectedState(), regions);
    }

    private ScheduleRunsResponse.Run toRun(ScheduleHistory.Run run, UriInfo uri) {
        Map<String, List<ScheduleRunsResponse.Port>> ports = new LinkedHashMap<>();
        for (PortResult port : run.ports()) {
            ports.computeIfAbsent(port.region(), r -> new ArrayList<>()).add(new ScheduleRunsResponse.Port(
                    port.port(), port.address(), port.state(), port.reason(), port.rttMicros()));
        }
        List<ScheduleRunsResponse.Region> regions = new ArrayList<>();
        for (RegionResult region : run.regions()) {
            regions.add(new ScheduleRunsResponse.Region(region.region(), region.status(), region.message(),
                    ports.getOrDefault(region.region(), List.of())));
        }
        String check = run.checkId() == null ? null
                : links.base(uri).path(CheckResource.PATH).path(run.checkId().toString()).build().toString();
        return new ScheduleRunsResponse.Run(run.dueAt(), run.firedAt(), run.checkId(), run.status(), run.outcome(),
                regions, check);
    }

    private ScheduleResponse toResponse(Schedule schedule, UriInfo uri) {
        return toResponse(schedule, uri, false);
    }

    private ScheduleResponse toResponse(Schedule schedule, UriInfo uri, boolean withSecret) {
        String self = links.base(uri).path(PATH).path(schedule.id().toString()).build().toString();
        return new ScheduleResponse(schedule.id(), schedule.paused(), schedule.target(), schedule.ports(),
                schedule.regions() == null ? "all" : schedule.regions(), schedule.regionLimit(), schedule.timeoutMs(),
                schedule.ipFamily(), schedule.everyMs() == null ? null : schedule.cadence().describe(), schedule.cron(),
                schedule.expectedState(), new ScheduleResponse.Alert(schedule.alertWebhook(), schedule.alertQuorum(),
                        schedule.alertConsecutive(), withSecret ? schedule.webhookSecret() : null),
                schedule.costPerHour(), schedule.overBudgetSince(),
                schedule.paused() ? null : schedule.nextFireAt(), schedule.lastFiredAt(), schedule.createdAt(),
                schedule.updatedAt(), self, self + "/history", self + "/uptime", self + "/events");
    }

    /** Reading a schedule, its runs or its uptime takes either scope: whoever may change it may look at it. */
    private String readingOwner() {
        return current.require(Scope.CHECKS_READ, Scope.SCHEDULES_WRITE).owner();
    }
}
