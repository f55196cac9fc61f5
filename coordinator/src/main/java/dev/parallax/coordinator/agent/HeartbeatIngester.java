package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.WireJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes {@code parallax.heartbeats} into the {@link AgentRegistry}. */
@ApplicationScoped
public class HeartbeatIngester {

    public static final String CHANNEL = "heartbeats-in";
    /**
     * The ingester's own worker (one thread): on the default pool, heartbeats queued behind thousands of REST
     * requests under load, agents looked offline past {@code parallax.agents.offline-after}, and checks were
     * refused their regions as UNAVAILABLE while every agent was up.
     */
    static final String WORKER = "heartbeat-ingest";

    private static final Logger LOG = Logger.getLogger(HeartbeatIngester.class);

    private final AgentRegistry registry;

    public HeartbeatIngester(AgentRegistry registry) {
        this.registry = registry;
    }

    /**
     * Blocking: JDBC work, which MUST NOT wait behind REST requests ({@link #WORKER}). It never throws, because a
     * nacked record would stop the channel: a heartbeat that cannot be stored is dropped, and the next one, seconds
     * later, says the same thing.
     */
    @Incoming(CHANNEL)
    @Blocking(value = WORKER, ordered = true)
    public void onHeartbeat(String payload) {
        try {
            registry.record(WireJson.read(payload, Heartbeat.class));
        } catch (ContractViolationException e) {
            LOG.warnf("Skipping a heartbeat that breaks the contract: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf("Heartbeat not recorded: %s", e.getMessage());
        }
    }
}
