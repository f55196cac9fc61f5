package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.Problem;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.check.Check;
import dev.parallax.coordinator.check.CheckNotFoundException;
import dev.parallax.coordinator.check.CheckService;
import dev.parallax.coordinator.check.CheckSpec;
import dev.parallax.coordinator.check.CheckValidator;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.quota.Quotas;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.RegionComparison;
import dev.parallax.coordinator.result.RegionResult;
import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The check API: submit a check, read one, list recent ones. */
@Path(CheckResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.CHECKS_TAG)
@APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHENTICATED)
@APIResponse(responseCode = "429", ref = ApiDocumentation.TOO_MANY_REQUESTS)
@APIResponse(responseCode = "500", ref = ApiDocumentation.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocumentation.UNAVAILABLE)
public class CheckResource {

    public static final String PATH = "/api/v1/checks";
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final CheckService checks;
    private final CheckValidator validator;
    private final CurrentCaller current;
    private final Quotas quotas;
    private final CheckEventStreams streams;
    private final ApiLinks links;

    public CheckResource(CheckService checks, CheckValidator validator, CurrentCaller current, Quotas quotas,
                         CheckEventStreams streams, ApiLinks links) {
        this.streams = streams;
        this.checks = checks;
        this.validator = validator;
        this.current = current;
        this.quotas = quotas;
        this.links = links;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "submitCheck", summary = "Submit a check",
            description = "Validates the check and answers at once: by the 202 the check is stored, with a job for "
                    + "each region queued through an outbox, so it survives this coordinator. Read the results at "
                    + "`self` (also the `Location`), or follow them with `GET /api/v1/checks/{id}/events`. The "
                    + "check costs ports x regions from the key's hourly budget, and the 202 says what it cost and "
                    + "what is left; an invalid request costs nothing and stores nothing.\n\n"
                    + "Scope: `checks:write` (or `admin`).")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:write")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "202", description = "Accepted: the check is stored and its jobs are on their way.",
            headers = {
                    @Header(name = ApiDocumentation.LOCATION, ref = ApiDocumentation.LOCATION),
                    @Header(name = ApiDocumentation.REQUEST_COST, ref = ApiDocumentation.REQUEST_COST),
                    @Header(name = ApiDocumentation.RATE_LIMIT_LIMIT, ref = ApiDocumentation.RATE_LIMIT_LIMIT),
                    @Header(name = ApiDocumentation.RATE_LIMIT_REMAINING, ref = ApiDocumentation.RATE_LIMIT_REMAINING),
                    @Header(name = ApiDocumentation.RATE_LIMIT_RESET, ref = ApiDocumentation.RATE_LIMIT_RESET)
            },
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CheckAcceptedResponse.class),
                    examples = @ExampleObject(name = "accepted", value = ApiExamples.CHECK_ACCEPTED)))
    @APIResponse(responseCode = "400", description = "The check cannot be run as asked: every wrong field is listed "
            + "in `errors`. Also a body that is not JSON, an unknown field, and a check costing more than the key's "
            + "whole hourly budget.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = {
                            @ExampleObject(name = "invalid fields", value = ApiExamples.INVALID_CHECK),
                            @ExampleObject(name = "unknown field", value = ApiExamples.UNKNOWN_FIELD),
                            @ExampleObject(name = "malformed JSON", value = ApiExamples.MALFORMED_JSON),
                            @ExampleObject(name = "over the whole budget", value = ApiExamples.CHECK_OVER_BUDGET)
                    }))
    @APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
    @APIResponse(responseCode = "408", ref = ApiDocumentation.REQUEST_TIMEOUT)
    @APIResponse(responseCode = "413", ref = ApiDocumentation.REQUEST_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDocumentation.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", description = "Over the caller's request rate, or the check costs more than "
            + "is left of the hourly budget: `Retry-After` says when it would fit.",
            headers = {
                    @Header(name = ApiDocumentation.RETRY_AFTER, ref = ApiDocumentation.RETRY_AFTER),
                    @Header(name = ApiDocumentation.REQUEST_COST, ref = ApiDocumentation.REQUEST_COST),
                    @Header(name = ApiDocumentation.RATE_LIMIT_LIMIT, ref = ApiDocumentation.RATE_LIMIT_LIMIT),
                    @Header(name = ApiDocumentation.RATE_LIMIT_REMAINING, ref = ApiDocumentation.RATE_LIMIT_REMAINING),
                    @Header(name = ApiDocumentation.RATE_LIMIT_RESET, ref = ApiDocumentation.RATE_LIMIT_RESET)
            },
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = {
                            @ExampleObject(name = "hourly budget spent", value = ApiExamples.CHECK_BUDGET_SPENT),
                            @ExampleObject(name = "request rate", value = ApiExamples.REQUEST_RATE_EXCEEDED)
                    }))
    public Response submit(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                   schema = @Schema(implementation = SubmitCheckRequest.class),
                                   examples = {
                                           @ExampleObject(name = "named regions", value = ApiExamples.SUBMIT_CHECK),
                                           @ExampleObject(name = "two live regions at random",
                                                   value = ApiExamples.SUBMIT_CHECK_EVERY_REGION)
                                   }))
                           SubmitCheckRequest request, @Context UriInfo uri) {
        Caller caller = current.require(Scope.CHECKS_WRITE);
        if (request == null) {
            throw new InvalidCheckException("body", "send a JSON object such as {\"target\": \"example.com\","
                    + " \"ports\": [443], \"regions\": [\"eu-west\"]}");
        }
        CheckSpec spec = validator.validate(request.target(), request.ports(), request.regions(), request.limit(),
                request.timeoutMs(), request.ipFamily());
        long cost = (long) spec.ports().size() * spec.regions().size();
        if (cost > caller.costPerHour()) {
            throw new InvalidCheckException("ports", "this check costs " + cost + " (" + spec.ports().size()
                    + " ports x " + spec.regions().size() + " regions), more than the " + caller.costPerHour()
                    + " your key may spend in an hour; probe fewer ports or regions");
        }
        // Charged only once the request is valid: a 400 costs nothing.
        Quotas.Usage usage = quotas.chargeCost(caller, cost);
        CheckService.CheckRecord accepted = checks.submit(spec, caller.owner());
        Check check = accepted.check();
        URI self = links.base(uri).path(PATH).path(check.id().toString()).build();
        CheckAcceptedResponse body = new CheckAcceptedResponse(check.id(), check.status(), check.target(),
                check.ports(), spec.regions(), check.timeoutMs(), check.ipFamily(), check.createdAt(),
                check.deadline(), self.toString());
        return usage.addHeaders(Response.accepted(body).location(self)).build();
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getCheck", summary = "Read a check",
            description = "The check, each region's answer (status, agent, resolved addresses and a verdict per "
                    + "address and port) and how the regions compare. Poll until `status` is `COMPLETE`: a region "
                    + "without an answer by the `deadline` ends `UNAVAILABLE`. Another owner's check is 404, as is "
                    + "an id that is not one.\n\n"
                    + "Scope: `checks:read` (or `admin`).")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "The check as it stands.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CheckResponse.class),
                    examples = {
                            @ExampleObject(name = "regions that disagree", value = ApiExamples.CHECK_DIVERGENT),
                            @ExampleObject(name = "one region still pending", value = ApiExamples.CHECK_RUNNING)
                    }))
    @APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
    @APIResponse(responseCode = "404", description = "No check of the caller's with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown check", value = ApiExamples.CHECK_NOT_FOUND)))
    public CheckResponse get(@Parameter(description = "The check's id, as in the 202's `id`.",
                                     example = "1e067e1d-5c15-4f46-8c2e-abfdb8172fe3",
                                     schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                             @PathParam("id") String rawId) {
        Caller caller = current.require(Scope.CHECKS_READ);
        UUID id = parseId(rawId);
        // Another owner's check is reported exactly like a missing one: its existence is nobody else's business.
        CheckService.CheckRecord found = checks.find(id, caller.owner()).orElseThrow(() -> new CheckNotFoundException(rawId));
        return toResponse(found);
    }

    /**
     * The check's verdicts as Server-Sent Events: {@code region} events as regions end (those already ended
     * first), then {@code complete} with the whole check; see {@link CheckEventStreams}.
     */
    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(operationId = "streamCheckEvents", summary = "Follow a check live (Server-Sent Events)",
            description = "The check's verdicts as they land, as Server-Sent Events:\n\n"
                    + "- `region`, once per region as it ends (those already ended first, so a late client misses "
                    + "nothing): `id` is the region, `data` its answer as JSON, as in the check's `regions` "
                    + "(schema `CheckRegion`);\n"
                    + "- `complete`, once every region has ended: `id` is `complete`, `data` the whole check as JSON "
                    + "(schema `CheckResponse`), comparison included; then the stream closes;\n"
                    + "- `timeout`, instead of `complete` when the check has not completed 60 s after its deadline: "
                    + "`data` is a line of text saying where to read the check; then the stream closes.\n\n"
                    + "The stream reads PostgreSQL every 200 ms, so any coordinator replica serves any check; each "
                    + "coordinator serves at most 1,000 streams at once (`parallax.api.max-streams`), at most 20 of "
                    + "them for one key or anonymous client address (`parallax.api.max-streams-per-caller`). While "
                    + "nothing happens, a comment line comes every 15 s.\n\n"
                    + "Scope: `checks:read` (or `admin`).")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "A stream of `region` events, then `complete` (or `timeout`).",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(type = SchemaType.STRING, description = "Events as the Server-Sent Events "
                            + "format frames them: `event`, `id` and `data` lines, a blank line after each."),
                    examples = @ExampleObject(name = "two regions, then complete",
                            value = ApiExamples.CHECK_EVENT_STREAM)))
    @APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
    @APIResponse(responseCode = "404", description = "No check of the caller's with this id; nothing is streamed.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown check", value = ApiExamples.CHECK_NOT_FOUND)))
    @APIResponse(responseCode = "429", description = "The caller already holds as many streams as one caller may "
            + "(20), or is over its request rate.",
            headers = @Header(name = ApiDocumentation.RETRY_AFTER, ref = ApiDocumentation.RETRY_AFTER),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = {
                            @ExampleObject(name = "the caller's streams taken", value = ApiExamples.CALLER_STREAMS),
                            @ExampleObject(name = "request rate", value = ApiExamples.REQUEST_RATE_EXCEEDED)
                    }))
    @APIResponse(responseCode = "503", description = "This coordinator already serves its 1,000 streams (poll "
            + "`GET /api/v1/checks/{id}` instead, or retry), or PostgreSQL is unreachable.",
            headers = @Header(name = ApiDocumentation.RETRY_AFTER, ref = ApiDocumentation.RETRY_AFTER),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = {
                            @ExampleObject(name = "every stream slot taken", value = ApiExamples.TOO_MANY_STREAMS),
                            @ExampleObject(name = "database unreachable", value = ApiExamples.DATABASE_UNAVAILABLE)
                    }))
    public void events(@Parameter(description = "The check's id.", example = "1e067e1d-5c15-4f46-8c2e-abfdb8172fe3",
                               schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                       @PathParam("id") String rawId, @Context SseEventSink sink, @Context Sse sse) {
        Caller caller = current.require(Scope.CHECKS_READ);
        streams.open(parseId(rawId), rawId, caller, sink, sse);
    }

    @GET
    @Operation(operationId = "listChecks", summary = "List recent checks",
            description = "The caller's checks, newest first, a page at a time, with each region's status and how "
                    + "many ports the regions disagree on. Follow `next` for the following page.\n\n"
                    + "Scope: `checks:read` (or `admin`).")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "checks:read")
    @SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
    @APIResponse(responseCode = "200", description = "A page of checks; `next` is null on the last one.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CheckPageResponse.class),
                    examples = @ExampleObject(name = "a page with a next one", value = ApiExamples.CHECK_PAGE)))
    @APIResponse(responseCode = "400", description = "A `limit`, `before` or `divergent` that cannot be read; "
            + "`errors` names it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "limit out of range", value = ApiExamples.INVALID_LISTING)))
    @APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
    public CheckPageResponse list(@Valid @BeanParam CheckListingQuery query, @Context UriInfo uri) {
        Caller caller = current.require(Scope.CHECKS_READ);
        int limit = query.limit();
        boolean divergentOnly = query.divergentOnly();
        UUID beforeId = query.beforeCheck().orElse(null);
        Instant beforeTime = query.beforeTime();
        if (beforeId != null) {
            beforeTime = checks.createdAt(beforeId, caller.owner())
                    .orElseThrow(() -> new InvalidCheckException("before", "no check with id '" + beforeId
                            + "'; use the 'next' link of the previous page"));
        }
        CheckService.CheckPage page = checks.recent(caller.owner(), limit, beforeTime, beforeId, divergentOnly);
        List<CheckPageResponse.Summary> summaries = new ArrayList<>();
        for (Check check : page.checks()) {
            Map<String, String> regions = new LinkedHashMap<>();
            page.regions().get(check.id()).forEach(r -> regions.put(r.region(), r.status().name()));
            summaries.add(new CheckPageResponse.Summary(check.id(), check.status(), check.target(), check.ports(),
                    check.createdAt(), check.completedAt(), regions, check.divergentPorts(),
                    links.base(uri).path(PATH).path(check.id().toString()).build().toString()));
        }
        String next = null;
        if (page.more()) {
            Check last = page.checks().getLast();
            var nextPage = links.base(uri).path(PATH).queryParam("limit", limit)
                    .queryParam("before", last.id().toString());
            if (divergentOnly) {
                nextPage.queryParam("divergent", true);
            }
            next = nextPage.build().toString();
        }
        return new CheckPageResponse(summaries, next);
    }

    private static UUID parseId(String rawId) {
        try {
            return UUID.fromString(rawId.strip());
        } catch (IllegalArgumentException e) {
            throw new CheckNotFoundException(rawId);
        }
    }

    static CheckResponse toResponse(CheckService.CheckRecord record) {
        Check check = record.check();
        Map<String, List<CheckResponse.Port>> portsByRegion = new LinkedHashMap<>();
        for (PortResult port : record.ports()) {
            portsByRegion.computeIfAbsent(port.region(), r -> new ArrayList<>()).add(new CheckResponse.Port(
                    port.address(), port.port(), port.state(), port.reason(), port.rttMicros(), port.message()));
        }
        List<CheckResponse.Region> regions = new ArrayList<>();
        for (RegionResult region : record.regions()) {
            regions.add(new CheckResponse.Region(region.region(), region.status(), region.agentId(),
                    region.message(), region.resolvedAddresses(), region.resolveMicros(), region.startedAt(),
                    region.finishedAt(), portsByRegion.getOrDefault(region.region(), List.of())));
        }
        RegionComparison.Result compared = RegionComparison.compare(record.regions(), record.ports());
        List<CheckResponse.PortComparison> ports = compared.ports().stream()
                .map(p -> new CheckResponse.PortComparison(p.port(), p.verdict(), p.states()))
                .toList();
        CheckResponse.Comparison comparison = new CheckResponse.Comparison(compared.summary(),
                compared.divergentPorts(), compared.answered(), compared.unanswered(), ports);
        return new CheckResponse(check.id(), check.status(), check.target(), check.ports(), check.timeoutMs(),
                check.ipFamily(), check.createdAt(), check.deadline(), check.completedAt(), regions, comparison);
    }
}
