package dev.parallax.coordinator.outbox;

import dev.parallax.common.contract.Topics;
import dev.parallax.coordinator.kafka.KafkaAdminClients;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives every region's jobs topic at least {@code parallax.regions.job-partitions} partitions, so that all the
 * agents of a region (one consumer group) share its jobs: creates the topic so, or raises the count of one
 * that has fewer (a broker that auto-creates topics gives them its default, often 1); never lowers it.
 * Configured regions are ensured at startup; a region first known later (from the agent registry) is ensured
 * by the {@link OutboxPublisher} before it publishes to that region's topic.
 */
@ApplicationScoped
public class JobTopics {

    private static final Logger LOG = Logger.getLogger(JobTopics.class);
    // The publisher waits for this while it holds its batch's rows locked: each admin call gets a few seconds.
    private static final int REQUEST_TIMEOUT_MS = 3_000;
    private static final int API_TIMEOUT_MS = 5_000;
    private static final Duration CALL_BOUND = Duration.ofMillis(API_TIMEOUT_MS + 1_000);

    private final KafkaAdminClients admins;
    private final int partitions;
    private final List<String> configuredRegions;
    // Topics an admin call showed to have enough partitions. Partitions are never removed, so an entry stays
    // true and is never dropped; any thread MAY read and add.
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    public JobTopics(KafkaAdminClients admins, ParallaxConfig config) {
        this.admins = admins;
        this.partitions = config.regions().jobPartitions();
        this.configuredRegions = config.regions().known();
        if (partitions < 1) {
            throw new IllegalArgumentException("parallax.regions.job-partitions must be at least 1, got " + partitions);
        }
    }

    void ensureConfiguredRegions(@Observes StartupEvent startup) {
        // A failure here (Kafka unreachable) is only logged: the publisher tries again before the first job.
        ensure(configuredRegions.stream().map(Topics::jobs).toList());
    }

    /**
     * Ensures those of these topics that are region jobs topics and were not ensured yet; returns at once
     * when there are none. Never throws: a topic that failed is logged and tried again on the next call.
     */
    public void ensure(Collection<String> topics) {
        List<String> pending = topics.stream()
                .filter(JobTopics::isJobsTopic)
                .filter(topic -> !ensured.contains(topic))
                .distinct()
                .toList();
        if (pending.isEmpty()) {
            return;
        }
        Map<String, String> failed = new TreeMap<>();
        Admin admin;
        try {
            admin = admins.create(REQUEST_TIMEOUT_MS, API_TIMEOUT_MS);
        } catch (RuntimeException e) {
            // E.g. no bootstrap address resolves: the cause says which.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            pending.forEach(topic -> failed.put(topic, describe(cause)));
            warn(failed);
            return;
        }
        try {
            raise(admin, create(admin, pending, failed), failed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Every call above has ended or been given up on: abandon whatever is left.
            admin.close(Duration.ofSeconds(1));
        }
        warn(failed);
    }

    /** Creates the topics with enough partitions; returns those that may exist already. */
    private List<String> create(Admin admin, List<String> topics, Map<String, String> failed)
            throws InterruptedException {
        List<NewTopic> newTopics = topics.stream()
                .map(topic -> new NewTopic(topic, Optional.of(partitions), Optional.empty()))
                .toList();
        Outcomes<Void> created = await(admin.createTopics(newTopics).values());
        created.succeeded().keySet().forEach(topic -> {
            ensured.add(topic);
            LOG.infof("Created %s with %d partitions", topic, partitions);
        });
        List<String> existing = new ArrayList<>();
        created.failed().forEach((topic, error) -> {
            // A coordinator not allowed to create topics may still find one made with enough partitions.
            if (error instanceof TopicExistsException || error instanceof AuthorizationException) {
                existing.add(topic);
            } else {
                failed.put(topic, describe(error));
            }
        });
        return existing;
    }

    /** Raises the existing topics that have fewer partitions than configured; leaves the others as they are. */
    private void raise(Admin admin, List<String> existing, Map<String, String> failed) throws InterruptedException {
        if (existing.isEmpty()) {
            return;
        }
        Outcomes<TopicDescription> described = await(admin.describeTopics(existing).topicNameValues());
        described.failed().forEach((topic, error) -> failed.put(topic, describe(error)));
        Map<String, Integer> fewer = new HashMap<>();
        described.succeeded().forEach((topic, description) -> {
            if (description.partitions().size() >= partitions) {
                ensured.add(topic);
            } else {
                fewer.put(topic, description.partitions().size());
            }
        });
        if (fewer.isEmpty()) {
            return;
        }
        Map<String, NewPartitions> increases = new HashMap<>();
        fewer.keySet().forEach(topic -> increases.put(topic, NewPartitions.increaseTo(partitions)));
        Outcomes<Void> raised = await(admin.createPartitions(increases).values());
        raised.succeeded().keySet().forEach(topic -> {
            ensured.add(topic);
            LOG.infof("Raised %s from %d to %d partitions", topic, fewer.get(topic), partitions);
        });
        // Also when another coordinator raised it first: the next call finds enough partitions.
        raised.failed().forEach((topic, error) -> failed.put(topic, describe(error)));
    }

    /** One admin call's per-topic results: the value (null for Void) of each that succeeded, the error of the rest. */
    private record Outcomes<T>(Map<String, T> succeeded, Map<String, Throwable> failed) {
    }

    /** Waits for one admin call's per-topic results, all within one bound. */
    private static <T> Outcomes<T> await(Map<String, KafkaFuture<T>> futures) throws InterruptedException {
        long until = System.nanoTime() + CALL_BOUND.toNanos();
        Outcomes<T> outcomes = new Outcomes<>(new HashMap<>(), new HashMap<>());
        for (Map.Entry<String, KafkaFuture<T>> entry : futures.entrySet()) {
            try {
                T value = entry.getValue().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                outcomes.succeeded().put(entry.getKey(), value);
            } catch (ExecutionException e) {
                outcomes.failed().put(entry.getKey(), e.getCause() == null ? e : e.getCause());
            } catch (TimeoutException e) {
                outcomes.failed().put(entry.getKey(),
                        new TimeoutException("no answer within " + CALL_BOUND.toMillis() + " ms"));
            }
        }
        return outcomes;
    }

    private void warn(Map<String, String> failed) {
        if (!failed.isEmpty()) {
            LOG.warnf("Could not give every jobs topic %d partitions, tried again before its next job: %s",
                    partitions, failed);
        }
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private static boolean isJobsTopic(String topic) {
        return topic.startsWith(Topics.JOBS_PREFIX)
                && Topics.REGION_NAME.matcher(topic.substring(Topics.JOBS_PREFIX.length())).matches();
    }
}
