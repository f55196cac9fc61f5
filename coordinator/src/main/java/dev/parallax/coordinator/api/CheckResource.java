package dev.parallax.coordinator.api;

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
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The check API: submit a check, read one, list recent ones. */
@Path(CheckResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class CheckResource {

    public static final String PATH = "/api/v1/checks";
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    private static final Instant EARLIEST_CURSOR = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST_CURSOR = Instant.parse("9999-12-31T23:59:59Z");

    private final CheckService checks;
    private final CheckValidator validator;
    private final CurrentCaller current;
    private final Quotas quotas;
    private final CheckEventStreams streams;

    public CheckResource(CheckService checks, CheckValidator validator, CurrentCaller current, Quotas quotas,
                         CheckEventStreams streams) {
        this.streams = streams;
        this.checks = checks;
        this.validator = validator;
        this.current = current;
        this.quotas = quotas;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(SubmitCheckRequest request, @Context UriInfo uri) {
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
        URI self = uri.getBaseUriBuilder().path(PATH).path(check.id.toString()).build();
        CheckAcceptedResponse body = new CheckAcceptedResponse(check.id, check.status, check.target, check.ports,
                spec.regions(), check.timeoutMs, check.ipFamily, check.createdAt, check.deadline, self.toString());
        return usage.addHeaders(Response.accepted(body).location(self)).build();
    }

    @GET
    @Path("{id}")
    public CheckResponse get(@PathParam("id") String rawId) {
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
    public void events(@PathParam("id") String rawId, @Context SseEventSink sink, @Context Sse sse) {
        Caller caller = current.require(Scope.CHECKS_READ);
        UUID id = parseId(rawId);
        CheckService.CheckRecord first = checks.find(id, caller.owner())
                .orElseThrow(() -> new CheckNotFoundException(rawId));
        if (!streams.tryReserve()) {
            throw new TooManyStreamsException(CheckEventStreams.MAX_STREAMS);
        }
        streams.stream(first, caller.owner(), sink, sse);
    }

    @GET
    public CheckPageResponse list(@QueryParam("limit") String rawLimit, @QueryParam("before") String rawBefore,
                                  @QueryParam("divergent") String rawDivergent, @Context UriInfo uri) {
        Caller caller = current.require(Scope.CHECKS_READ);
        int limit = QueryParams.limit(rawLimit, DEFAULT_LIMIT, MAX_LIMIT);
        boolean divergentOnly = parseDivergent(rawDivergent);
        Instant beforeTime = null;
        UUID beforeId = null;
        if (rawBefore != null && !rawBefore.isBlank()) {
            beforeId = tryParseId(rawBefore);
            if (beforeId == null) {
                beforeTime = parseInstant(rawBefore);
            } else {
                beforeTime = checks.createdAt(beforeId, caller.owner())
                        .orElseThrow(() -> new InvalidCheckException("before", "no check with id '" + rawBefore
                                + "'; use the 'next' link of the previous page"));
            }
        }
        CheckService.CheckPage page = checks.recent(caller.owner(), limit, beforeTime, beforeId, divergentOnly);
        List<CheckPageResponse.Summary> summaries = new ArrayList<>();
        for (Check check : page.checks()) {
            Map<String, String> regions = new LinkedHashMap<>();
            page.regions().get(check.id).forEach(r -> regions.put(r.region, r.status.name()));
            summaries.add(new CheckPageResponse.Summary(check.id, check.status, check.target, check.ports,
                    check.createdAt, check.completedAt, regions, check.divergentPorts,
                    uri.getBaseUriBuilder().path(PATH).path(check.id.toString()).build().toString()));
        }
        String next = null;
        if (page.more()) {
            Check last = page.checks().getLast();
            var nextPage = uri.getBaseUriBuilder().path(PATH).queryParam("limit", limit)
                    .queryParam("before", last.id.toString());
            if (divergentOnly) {
                nextPage.queryParam("divergent", true);
            }
            next = nextPage.build().toString();
        }
        return new CheckPageResponse(summaries, next);
    }

    private static UUID parseId(String rawId) {
        UUID id = tryParseId(rawId);
        if (id == null) {
            throw new CheckNotFoundException(rawId);
        }
        return id;
    }

    private static UUID tryParseId(String raw) {
        try {
            return UUID.fromString(raw.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean parseDivergent(String rawDivergent) {
        if (rawDivergent == null || rawDivergent.isBlank() || rawDivergent.strip().equals("false")) {
            return false;
        }
        if (rawDivergent.strip().equals("true")) {
            return true;
        }
        throw new InvalidCheckException("divergent", "divergent must be true or false; got '" + rawDivergent + "'");
    }

    private static Instant parseInstant(String rawBefore) {
        try {
            Instant before = Instant.parse(rawBefore.strip());
            // Beyond what a timestamptz holds the database would fail; nothing was created outside this anyway.
            if (before.isBefore(EARLIEST_CURSOR) || before.isAfter(LATEST_CURSOR)) {
                throw new InvalidCheckException("before", "before must lie between " + EARLIEST_CURSOR + " and "
                        + LATEST_CURSOR + "; got '" + rawBefore + "'");
            }
            return before;
        } catch (DateTimeParseException e) {
            throw new InvalidCheckException("before", "before must be a check id or an ISO-8601 instant such as"
                    + " 2026-01-31T12:00:00Z; got '" + rawBefore + "'");
        }
    }

    static CheckResponse toResponse(CheckService.CheckRecord record) {
        Check check = record.check();
        Map<String, List<CheckResponse.Port>> portsByRegion = new LinkedHashMap<>();
        for (PortResult port : record.ports()) {
            portsByRegion.computeIfAbsent(port.region, r -> new ArrayList<>()).add(new CheckResponse.Port(
                    port.address, port.port, port.state, port.reason, port.rttMicros, port.message));
        }
        List<CheckResponse.Region> regions = new ArrayList<>();
        for (RegionResult region : record.regions()) {
            regions.add(new CheckResponse.Region(region.region, region.status, region.agentId, region.message,
                    region.resolvedAddresses == null ? List.of() : region.resolvedAddresses, region.resolveMicros,
                    region.startedAt, region.finishedAt, portsByRegion.getOrDefault(region.region, List.of())));
        }
        RegionComparison.Result compared = RegionComparison.compare(record.regions(), record.ports());
        List<CheckResponse.PortComparison> ports = compared.ports().stream()
                .map(p -> new CheckResponse.PortComparison(p.port(), p.verdict(), p.states()))
                .toList();
        CheckResponse.Comparison comparison = new CheckResponse.Comparison(compared.summary(),
                compared.divergentPorts(), compared.answered(), compared.unanswered(), ports);
        return new CheckResponse(check.id, check.status, check.target, check.ports, check.timeoutMs,
                check.ipFamily, check.createdAt, check.deadline, check.completedAt, regions, comparison);
    }
}
