package dev.parallax.coordinator.agent;

import dev.parallax.common.contract.Topics;
import dev.parallax.coordinator.kafka.KafkaAdminClients;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes {@code parallax.heartbeats} a compacted topic, so that it keeps each agent's latest heartbeat rather
 * than every heartbeat ever sent: creates it so, or, when it exists already (a broker that auto-creates
 * topics may have made it, with the delete policy, as soon as the first client asked), sets its policy.
 */
@ApplicationScoped
public class HeartbeatTopic {

    private static final Logger LOG = Logger.getLogger(HeartbeatTopic.class);

    private final KafkaAdminClients admins;

    public HeartbeatTopic(KafkaAdminClients admins) {
        this.admins = admins;
    }

    void ensure(@Observes StartupEvent startup) {
        try (Admin admin = admins.create(5_000, 10_000)) {
            NewTopic topic = new NewTopic(Topics.HEARTBEATS, Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(topic)).all().get(15, TimeUnit.SECONDS);
                LOG.infof("Created %s as a compacted topic", Topics.HEARTBEATS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.HEARTBEATS);
                AlterConfigOp compact = new AlterConfigOp(new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT), AlterConfigOp.OpType.SET);
                admin.incrementalAlterConfigs(Map.of(resource, List.of(compact))).all().get(15, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            LOG.warnf("Could not make %s compacted: %s", Topics.HEARTBEATS, e.getCause().getMessage());
        } catch (TimeoutException | RuntimeException e) {
            // Kafka unreachable now: heartbeats still work on an auto-created topic, only uncompacted.
            LOG.warnf("Could not make %s compacted: %s", Topics.HEARTBEATS, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
