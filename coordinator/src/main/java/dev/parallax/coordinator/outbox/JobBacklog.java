package dev.parallax.coordinator.outbox;

import dev.parallax.common.contract.Topics;
import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.kafka.KafkaAdminClients;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Work waiting, as gauges: outbox rows not yet on Kafka (how many, and the age of the oldest), per region the
 * lag of its agents' consumer group on its jobs topic (records on the topic that the group has not committed
 * yet), and the coordinators' lag on the verdicts topic. Refreshed every {@code parallax.metrics.refresh-interval} by one thread, so a scrape only
 * reads numbers and never waits on PostgreSQL or Kafka; a figure that could not be read is NaN.
 */
@ApplicationScoped
public class JobBacklog {

    private static final Logger LOG = Logger.getLogger(JobBacklog.class);
    private static final int ADMIN_REQUEST_TIMEOUT_MS = 3_000;
    private static final int ADMIN_API_TIMEOUT_MS = 5_000;
    private static final long CALL_BOUND_MS = ADMIN_API_TIMEOUT_MS + 1_000;

    private final EntityManager em;
    private final AgentRegistry registry;
    private final KafkaAdminClients admins;
    private final MeterRegistry meters;
    // Written by the refresh thread only; read by scrapes.
    private volatile double outboxRows = Double.NaN;
    private volatile double oldestSeconds = Double.NaN;
    private volatile double verdictsLag = Double.NaN;
    private final Map<String, Double> lagByRegion = new ConcurrentHashMap<>();
    private Admin admin;

    public JobBacklog(EntityManager em, AgentRegistry registry, KafkaAdminClients admins, MeterRegistry meters) {
        this.em = em;
        this.registry = registry;
        this.admins = admins;
        this.meters = meters;
        Gauge.builder("parallax.outbox.backlog", this, backlog -> backlog.outboxRows)
                .description("Outbox rows not yet published to Kafka (and not expired)")
                .register(meters);
        Gauge.builder("parallax.outbox.oldest.age", this, backlog -> backlog.oldestSeconds)
                .description("Age of the oldest outbox row not yet published (0 when there is none)")
                .baseUnit("seconds")
                .register(meters);
        Gauge.builder("parallax.verdicts.lag", this, backlog -> backlog.verdictsLag)
                .description("Verdicts on parallax.verdicts that the coordinators' group has not committed yet")
                .register(meters);
        for (String outcome : new String[] {"sent", "failed"}) {
            published(outcome);
        }
        relayFailures();
    }

    private Counter relayFailures() {
        return Counter.builder("parallax.outbox.relay.failures")
                .description("Rounds of the outbox relay that failed as a whole (the database, a transaction) and "
                        + "were tried again a second later")
                .register(meters);
    }

    private Counter published(String outcome) {
        return Counter.builder("parallax.outbox.published")
                .description("Outbox rows the relay sent to Kafka (acknowledged) or failed to (retried later)")
                .tag("outcome", outcome)
                .register(meters);
    }

    void onBatch(OutboxPublisher.BatchResult batch) {
        published("sent").increment(batch.sent());
        published("failed").increment(batch.failed());
    }

    void onRelayFailure() {
        relayFailures().increment();
    }

    @Scheduled(every = "${parallax.metrics.refresh-interval}", delay = 1, delayUnit = TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class, identity = "job-backlog")
    void refresh() {
        List<String> regions;
        try {
            regions = QuarkusTransaction.requiringNew().call(() -> {
                Object[] row = (Object[]) em.createNativeQuery("""
                                SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)
                                  FROM outbox_events
                                 WHERE sent_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                                """)
                        .getSingleResult();
                outboxRows = ((Number) row[0]).doubleValue();
                oldestSeconds = ((Number) row[1]).doubleValue();
                return registry.regions().stream().map(AgentRegistry.Region::name).toList();
            });
        } catch (RuntimeException e) {
            outboxRows = Double.NaN;
            oldestSeconds = Double.NaN;
            LOG.debugf("Outbox backlog not read: %s", e.getMessage());
            return;
        }
        refreshLag(regions);
    }

    private void refreshLag(List<String> regions) {
        for (String region : regions) {
            if (!lagByRegion.containsKey(region)) {
                lagByRegion.put(region, Double.NaN);
                Gauge.builder("parallax.jobs.lag", lagByRegion, lags -> lags.getOrDefault(region, Double.NaN))
                        .description("Jobs on a region's topic that its agents' consumer group has not committed yet")
                        .tag("region", region)
                        .register(meters);
            }
        }
        try {
            if (admin == null) {
                admin = admins.create(ADMIN_REQUEST_TIMEOUT_MS, ADMIN_API_TIMEOUT_MS);
            }
            for (String region : regions) {
                lagByRegion.put(region, lag(admin, Topics.jobs(region), Topics.agentGroup(region)));
            }
            verdictsLag = lag(admin, Topics.VERDICTS, Topics.COORDINATOR_GROUP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            regions.forEach(region -> lagByRegion.put(region, Double.NaN));
            verdictsLag = Double.NaN;
            LOG.debugf("Jobs topic lag not read: %s", e.getMessage());
        }
    }

    /** The sum over the topic's partitions of (latest offset - the group's committed offset, or the earliest). */
    private static double lag(Admin admin, String topic, String group)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        description.partitions().forEach(partition -> {
            TopicPartition key = new TopicPartition(topic, partition.partition());
            latest.put(key, OffsetSpec.latest());
            earliest.put(key, OffsetSpec.earliest());
        });
        KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committedCall =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                admin.listOffsets(earliest).all().get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = committedCall.get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        long lag = 0;
        for (TopicPartition partition : ends.keySet()) {
            OffsetAndMetadata offset = committed.get(partition);
            long from = offset != null ? offset.offset() : starts.get(partition).offset();
            lag += Math.max(0, ends.get(partition).offset() - from);
        }
        return lag;
    }

    void close(@Observes ShutdownEvent shutdown) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
