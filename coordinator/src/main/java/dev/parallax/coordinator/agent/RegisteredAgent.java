package dev.parallax.coordinator.agent;

import java.time.Instant;
import java.util.List;

/**
 * An agent as its latest heartbeat describes it: a row of {@code agents}, written and read only by
 * {@link AgentRegistry}.
 *
 * @param lastSeen the coordinator's clock when the heartbeat arrived, so an agent with a wrong clock is still judged
 *                 live or not correctly
 */
public record RegisteredAgent(String agentId, String region, String version, int probeCapacity, Instant startedAt,
                              Instant sentAt, Instant lastSeen, List<String> egressAddresses) {

    public RegisteredAgent {
        egressAddresses = egressAddresses == null ? List.of() : List.copyOf(egressAddresses);
    }
}
