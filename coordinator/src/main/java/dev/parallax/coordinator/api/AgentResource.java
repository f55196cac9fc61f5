package dev.parallax.coordinator.api;

import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.agent.RegisteredAgent;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/** The agent registry: regions with their live agents, and every known agent. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.REGIONS_TAG)
@APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHENTICATED)
@APIResponse(responseCode = "429", ref = ApiDocumentation.TOO_MANY_REQUESTS)
@APIResponse(responseCode = "500", ref = ApiDocumentation.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocumentation.UNAVAILABLE)
public class AgentResource {

    /** One agent as the registry knows it. */
    @Schema(name = "Agent", description = "One agent as the registry knows it from its heartbeats.")
    public record AgentResponse(
            @Schema(description = "The agent's id, unique across regions.", examples = "eu-west-1") String agentId,
            @Schema(description = "The region it probes from.", examples = "eu-west") String region,
            @Schema(description = "Whether it was heard from within `parallax.agents.offline-after` (15 s by "
                    + "default).") boolean online,
            @Schema(description = "Its latest heartbeat.") Instant lastSeen,
            @Schema(description = "The agent's build version.", examples = "0.1.0") String version,
            @Schema(description = "How many probes it runs at once.", examples = "256") int probeCapacity,
            @Schema(description = "When the agent process started.") Instant startedAt,
            @Schema(description = "The source addresses its probes leave from, as the agent sees them: what a "
                    + "target's firewall sees.") List<String> egressAddresses) {
    }

    /** One region: how many of its agents are live, and when one was last heard from. */
    @Schema(name = "Region", description = "A region: configured (`parallax.regions.known`) or reported by an agent.")
    public record RegionResponse(
            @Schema(description = "The region's name.", examples = "eu-west") String region,
            @Schema(description = "Agents heard from recently: a check may name this region only usefully while "
                    + "this is above 0.") int liveAgents,
            @Schema(description = "Every agent of the region the registry knows, live or not.") int agents,
            @Schema(description = "The latest heartbeat of any of its agents; null if none was ever heard.")
            Instant lastSeen) {
    }

    private final AgentRegistry registry;

    public AgentResource(AgentRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Path("agents")
    @Operation(operationId = "listAgents", summary = "List the agents",
            description = "Every agent the registry knows, live or not, with its region, version, capacity and "
                    + "egress addresses.\n\nScope: any (a valid key).")
    @APIResponse(responseCode = "200", description = "The agents.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = AgentResponse.class),
                    examples = @ExampleObject(name = "a live and an offline agent", value = ApiExamples.AGENTS)))
    public List<AgentResponse> agents() {
        return registry.agents().stream().map(this::toResponse).toList();
    }

    @GET
    @Path("regions")
    @Operation(operationId = "listRegions", summary = "List the regions",
            description = "Every region a check may name, with how many of its agents are live. A region without "
                    + "a live agent still takes checks, and ends them `UNAVAILABLE` (`no-live-agent`).\n\n"
                    + "Scope: any (a valid key).")
    @APIResponse(responseCode = "200", description = "The regions.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = RegionResponse.class),
                    examples = @ExampleObject(name = "three regions, one without a live agent",
                            value = ApiExamples.REGIONS)))
    public List<RegionResponse> regions() {
        return registry.regions().stream()
                .map(r -> new RegionResponse(r.name(), r.liveAgents(), r.agents().size(), r.lastSeen()))
                .toList();
    }

    private AgentResponse toResponse(RegisteredAgent agent) {
        return new AgentResponse(agent.agentId(), agent.region(), registry.isLive(agent), agent.lastSeen(),
                agent.version(), agent.probeCapacity(), agent.startedAt(), agent.egressAddresses());
    }
}
