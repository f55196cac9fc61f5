package dev.parallax.common.contract;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An agent saying it is alive, published every few seconds to {@link Topics#HEARTBEATS} keyed by agent id,
 * so that the topic, compacted, holds each agent's latest word.
 *
 * @param agentId         unique per agent
 * @param region          the region it probes from
 * @param version         the agent's build version
 * @param probeCapacity   sockets it connects at once
 * @param startedAt       when the agent started
 * @param sentAt          when this heartbeat was sent (the agent's clock)
 * @param egressAddresses the non-loopback addresses of its interfaces, as it knows them
 */
public record Heartbeat(String agentId, String region, String version, int probeCapacity, Instant startedAt,
                        Instant sentAt, List<String> egressAddresses) {

    public Heartbeat {
        if (agentId == null || agentId.isBlank()) {
            throw new IllegalArgumentException("agentId must not be blank");
        }
        Topics.requireRegionName(region);
        if (probeCapacity < 0) {
            throw new IllegalArgumentException("probeCapacity must not be negative");
        }
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(sentAt, "sentAt");
        egressAddresses = egressAddresses == null ? List.of() : List.copyOf(egressAddresses);
    }
}
