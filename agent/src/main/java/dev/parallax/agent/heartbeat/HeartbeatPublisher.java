package dev.parallax.agent.heartbeat;

import dev.parallax.agent.config.AgentConfig;
import dev.parallax.agent.job.JobHandler;
import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.WireJson;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Tells the coordinator, every few seconds, that this agent is alive and what it can do: the {@value #HEARTBEATS}
 * channel ({@code parallax.heartbeats}, keyed by agent id; the coordinator makes the topic compacted, so it keeps
 * each agent's latest).
 */
@ApplicationScoped
public class HeartbeatPublisher {

    /** The channel heartbeats leave by. */
    public static final String HEARTBEATS = "heartbeats";

    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

    private final Emitter<String> heartbeats;
    private final JobHandler handler;
    private final int probeCapacity;
    private final Clock clock;
    private final Instant startedAt;
    private final String version;

    /** A heartbeat that finds the channel's buffer full is dropped: the next one says the same, seconds later. */
    public HeartbeatPublisher(@Channel(HEARTBEATS) @OnOverflow(OnOverflow.Strategy.DROP) Emitter<String> heartbeats,
                              JobHandler handler, AgentConfig config) {
        this.heartbeats = heartbeats;
        this.handler = handler;
        this.probeCapacity = config.agent().maxInFlight();
        this.clock = Clock.systemUTC();
        this.startedAt = clock.instant();
        String implementation = HeartbeatPublisher.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    @Scheduled(every = "${parallax.agent.heartbeat-interval}", delay = 0,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void beat() {
        Heartbeat heartbeat = current();
        // Fire and forget: a lost heartbeat is replaced by the next one a few seconds later.
        try {
            heartbeats.send(KafkaRecord.of(heartbeat.agentId(), WireJson.write(heartbeat)));
        } catch (RuntimeException e) {
            LOG.debugf("Heartbeat not sent: %s", e.getMessage());
        }
    }

    Heartbeat current() {
        return new Heartbeat(handler.agentId(), handler.region(), version, probeCapacity, startedAt, clock.instant(),
                egressAddresses());
    }

    /** The addresses of this host's interfaces that are up and not loopback: where probes may leave from. */
    static List<String> egressAddresses() {
        List<String> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) {
                        addresses.add(address.getHostAddress().replaceFirst("%.*$", ""));
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return addresses;
    }
}
