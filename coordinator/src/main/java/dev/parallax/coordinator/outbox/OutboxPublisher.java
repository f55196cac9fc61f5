package dev.parallax.coordinator.outbox;

import dev.parallax.common.kafka.ChannelProducer;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.SqlTimestamps;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Publishes one batch of due outbox rows. The rows stay locked ({@code FOR UPDATE SKIP LOCKED}) while
 * their records are in flight, so several coordinator replicas do not publish the same row at once; a row
 * is marked sent only after Kafka acknowledged its record (acks=all), in the same transaction. A row whose
 * record was not acknowledged is retried later on its own backoff, while rows of other topics go on.
 * Delivery stays at least once (a record acknowledged after the send timeout is sent again), which the
 * agents absorb: a job is keyed by its check and its verdict is stored once.
 *
 * <p>The records go out through the {@value #JOBS} channel's producer itself ({@link ChannelProducer}), whose
 * acknowledgements carry no context: the emitter's carry the caller's, this batch's transaction included, to the
 * threads completing the sends, and a commit that meets one of them still associated fails. The emitter only
 * declares the channel, so that the connector builds the producer from the channel's configuration.
 */
@ApplicationScoped
public class OutboxPublisher {

    /** The channel jobs leave by; each record names its region's topic. */
    public static final String JOBS = "jobs";

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);

    private final EntityManager em;
    private final ChannelProducer jobs;
    private final ParallaxConfig.Outbox config;
    private final JobTopics jobTopics;

    public OutboxPublisher(EntityManager em, @Channel(JOBS) MutinyEmitter<String> channel, KafkaClientService clients,
                           ParallaxConfig config, JobTopics jobTopics) {
        this.em = em;
        this.jobs = new ChannelProducer(JOBS, () -> {
            KafkaProducer<String, String> producer = clients.getProducer(JOBS);
            return producer == null ? null : producer.unwrap();
        });
        this.config = config.outbox();
        this.jobTopics = jobTopics;
    }

    /** What one batch did. */
    public record BatchResult(int claimed, int sent, int failed) {
    }

    @Transactional
    public BatchResult publishBatch() {
        @SuppressWarnings("unchecked")
        List<OutboxEvent> batch = em.createNativeQuery("""
                        SELECT * FROM outbox_events
                         WHERE sent_at IS NULL AND next_attempt_at <= now()
                           AND (expires_at IS NULL OR expires_at > now())
                         ORDER BY id
                         LIMIT :limit
                           FOR UPDATE SKIP LOCKED
                        """, OutboxEvent.class)
                .setParameter("limit", config.batchSize())
                .getResultList();
        if (batch.isEmpty()) {
            return new BatchResult(0, 0, 0);
        }
        // Before a region's topic gets its first record, which would make the broker auto-create it with its
        // default partition count. A no-op once every topic of the batch is ensured; otherwise bounded, and on
        // failure the records go anyway (the topic is tried again with the next batch that has it).
        jobTopics.ensure(batch.stream().map(event -> event.topic).toList());
        // The whole batch is sent before any acknowledgement is awaited, so it travels in as few requests as the
        // producer makes of it.
        long waitUntil = System.nanoTime() + config.sendTimeout().toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
        // A send blocks this thread while the producer has no metadata for the record's topic (up to the channel's
        // max.block.ms, per record): a topic whose metadata did not come in time is not tried again in this batch,
        // and nothing more is sent past the send timeout, so a batch never holds its rows locked much longer.
        Map<String, Future<RecordMetadata>> unreachableTopics = new HashMap<>();
        for (OutboxEvent event : batch) {
            Future<RecordMetadata> ack = unreachableTopics.get(event.topic);
            if (ack == null && System.nanoTime() - waitUntil >= 0) {
                ack = CompletableFuture.failedFuture(new TimeoutException("not sent before the send timeout"));
            } else if (ack == null) {
                ack = jobs.send(event.topic, event.messageKey, event.payload);
                if (ack.state() == Future.State.FAILED
                        && ack.exceptionNow() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    unreachableTopics.put(event.topic, ack);
                }
            }
            acks.add(ack);
        }
        List<Long> sent = new ArrayList<>(batch.size());
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            OutboxEvent event = batch.get(i);
            String error = awaitAck(acks.get(i), waitUntil);
            if (error == null) {
                // Left untouched here and marked sent below in one statement: one UPDATE per row (the entity's
                // own) made the relay, one thread, the stack's bottleneck at about 100 checks a second.
                sent.add(event.id);
            } else {
                event.attempts++;
                event.lastError = error;
                event.nextAttemptAt = Instant.now().plus(backoff(event.attempts));
                failed++;
                try (CheckLogContext logContext = CheckLogContext.of(event.aggregateId)) {
                    LOG.warnf("Outbox %s (check %s, topic %s) not acknowledged, attempt %d, next at %s: %s",
                            event.eventId, event.aggregateId, event.topic, event.attempts, event.nextAttemptAt, error);
                }
            }
        }
        if (!sent.isEmpty()) {
            em.createNativeQuery("""
                            UPDATE outbox_events SET sent_at = now(), attempts = attempts + 1, last_error = NULL
                             WHERE id = ANY (CAST(:ids AS bigint[]))
                            """)
                    .setParameter("ids", sent.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}")))
                    .executeUpdate();
        }
        return new BatchResult(batch.size(), sent.size(), failed);
    }

    /**
     * When the earliest unsent, unexpired row is due, if there is one. MUST run in a transaction of its own: the
     * relay calls it from its own thread, where there is neither a transaction nor a request context, and the
     * EntityManager refuses to work without one (with SUPPORTS, every call failed and the relay retried each
     * second instead of sleeping until the next due row).
     */
    @Transactional
    public Optional<Instant> nextDue() {
        Object due = em.createNativeQuery("""
                        SELECT min(next_attempt_at) FROM outbox_events
                         WHERE sent_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                        """)
                .getSingleResult();
        return Optional.ofNullable(due).map(SqlTimestamps::instant);
    }

    private Duration backoff(int attempts) {
        Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 20));
        return backoff.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : backoff;
    }

    private static String awaitAck(Future<RecordMetadata> ack, long waitUntilNanos) {
        try {
            ack.get(Math.max(0, waitUntilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (TimeoutException e) {
            return "no acknowledgement within the send timeout";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for the acknowledgement";
        }
    }
}
