package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.kafka.TopicConsumer;
import dev.parallax.coordinator.kafka.TopicConsumers;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Consumes {@code parallax.heartbeats} into the {@link AgentRegistry}, on the consumer's own thread
 * ({@link TopicConsumer}): queued behind thousands of REST requests under load, heartbeats once came late enough that
 * agents looked offline past {@code parallax.agents.offline-after}, and checks were refused their regions as
 * UNAVAILABLE while every agent was up.
 *
 * <p>Every coordinator reads every heartbeat: a consumer group of its own, read from the start of the compacted
 * topic, no offsets kept. With one shared group, a coordinator that died took its partitions' heartbeats with it
 * until its session expired, and agents looked offline meanwhile. A repeated heartbeat changes nothing.
 */
@ApplicationScoped
public class HeartbeatIngester {

    /** The consumer's thread and client id, which names its Kafka client meters. */
    static final String CONSUMER = "kafka-consumer-heartbeats";
    static final String GROUP_PREFIX = "parallax-coordinator-registry-";

    private static final Logger LOG = Logger.getLogger(HeartbeatIngester.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final AgentRegistry registry;
    private final TopicConsumers consumers;
    private TopicConsumer consumer;

    public HeartbeatIngester(AgentRegistry registry, TopicConsumers consumers) {
        this.registry = registry;
        this.consumers = consumers;
    }

    void start(@Observes StartupEvent startup) {
        consumer = consumers.start(CONSUMER, Topics.HEARTBEATS, GROUP_PREFIX + UUID.randomUUID(),
                TopicConsumer.Offsets.NONE, Map.of(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000),
                this::onHeartbeats);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        if (consumer != null) {
            consumer.stop(STOP_GRACE);
        }
    }

    /**
     * Never throws: a heartbeat that cannot be stored is dropped, and the next one, seconds later, says the same
     * thing.
     */
    void onHeartbeats(ConsumerRecords<String, String> records) {
        for (ConsumerRecord<String, String> record : records) {
            onHeartbeat(record.value());
        }
    }

    private void onHeartbeat(String payload) {
        try {
            registry.record(WireJson.read(payload, Heartbeat.class));
        } catch (ContractViolationException e) {
            LOG.warnf("Skipping a heartbeat that breaks the contract: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf("Heartbeat not recorded: %s", e.getMessage());
        }
    }
}
