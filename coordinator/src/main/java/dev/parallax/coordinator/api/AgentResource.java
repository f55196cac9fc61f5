package dev.parallax.coordinator.api;

import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.agent.RegisteredAgent;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.List;

/** The agent registry: regions with their live agents, and every known agent. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class AgentResource {

    /** One agent as the registry knows it. */
    public record AgentResponse(String agentId, String region, boolean online, Instant lastSeen, String version,
                                int probeCapacity, Instant startedAt, List<String> egressAddresses) {
    }

    /** One region: how many of its agents are live, and when one was last heard from. */
    public record RegionResponse(String region, int liveAgents, int agents, Instant lastSeen) {
    }

    private final AgentRegistry registry;

    public AgentResource(AgentRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Path("agents")
    public List<AgentResponse> agents() {
        return registry.agents().stream().map(this::toResponse).toList();
    }

    @GET
    @Path("regions")
    public List<RegionResponse> regions() {
        return registry.regions().stream()
                .map(r -> new RegionResponse(r.name(), r.liveAgents(), r.agents().size(), r.lastSeen()))
                .toList();
    }

    private AgentResponse toResponse(RegisteredAgent agent) {
        return new AgentResponse(agent.agentId, agent.region, registry.isLive(agent), agent.lastSeen, agent.version,
                agent.probeCapacity, agent.startedAt,
                agent.egressAddresses == null ? List.of() : agent.egressAddresses);
    }
}
