package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.WireJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Records the heartbeats of the {@value #HEARTBEATS} channel ({@code parallax.heartbeats}) in the
 * {@link AgentRegistry}, one after another on a worker pool of their own ({@value #WORKER}, one thread): queued
 * behind thousands of REST requests under load, heartbeats would come late enough that agents looked offline past
 * {@code parallax.agents.offline-after}, and checks were refused their regions as UNAVAILABLE while every agent was
 * up.
 *
 * <p>Every coordinator reads every heartbeat: the channel's consumer group is its own (named after a UUID drawn at
 * start), reads from the start of the compacted topic and commits nothing. With one shared group, a coordinator
 * that died would take its partitions' heartbeats with it until its session expired, and agents would look offline
 * meanwhile. A repeated heartbeat changes nothing.
 */
@ApplicationScoped
public class HeartbeatIngester {

    /** The channel heartbeats arrive by. */
    public static final String HEARTBEATS = "heartbeats";
    /** The worker pool heartbeats are recorded on; its size is configured (one thread). */
    static final String WORKER = "agent-registry";

    private static final Logger LOG = Logger.getLogger(HeartbeatIngester.class);

    private final AgentRegistry registry;

    public HeartbeatIngester(AgentRegistry registry) {
        this.registry = registry;
    }

    /**
     * Never throws: a heartbeat that cannot be recorded is dropped, and the next one, seconds later, says the same
     * thing.
     */
    @Incoming(HEARTBEATS)
    @Blocking(WORKER)
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
