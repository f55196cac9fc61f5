package dev.parallax.coordinator.outbox;

import dev.parallax.coordinator.config.ParallaxConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one batch of unsent outbox rows. The rows stay locked ({@code FOR UPDATE SKIP LOCKED}) while
 * their records are in flight, so several coordinator replicas never publish the same row at once; a row
 * is marked sent only after Kafka acknowledged its record (acks=all), in the same transaction.
 */
@ApplicationScoped
public class OutboxPublisher {

    public static final String CHANNEL = "jobs-out";

    private static final Logger LOG = Logger.getLogger(OutboxPublisher.class);

    private final EntityManager em;
    private final MutinyEmitter<String> emitter;
    private final ParallaxConfig.Outbox config;

    public OutboxPublisher(EntityManager em, @Channel(CHANNEL) MutinyEmitter<String> emitter, ParallaxConfig config) {
        this.em = em;
        this.emitter = emitter;
        this.config = config.outbox();
    }

    /** What one batch did. */
    public record BatchResult(int claimed, int sent, int failed) {
    }

    @Transactional
    public BatchResult publishBatch() {
        @SuppressWarnings("unchecked")
        List<OutboxEvent> batch = em.createNativeQuery("""
                        SELECT * FROM outbox_events
                         WHERE sent_at IS NULL
                         ORDER BY id
                         LIMIT :limit
                           FOR UPDATE SKIP LOCKED
                        """, OutboxEvent.class)
                .setParameter("limit", config.batchSize())
                .getResultList();
        if (batch.isEmpty()) {
            return new BatchResult(0, 0, 0);
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        for (OutboxEvent event : batch) {
            acks.add(send(event));
        }
        long waitUntil = System.nanoTime() + config.sendTimeout().toNanos();
        int sent = 0;
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            OutboxEvent event = batch.get(i);
            String error = awaitAck(acks.get(i), waitUntil);
            event.attempts++;
            if (error == null) {
                event.sentAt = Instant.now();
                event.lastError = null;
                sent++;
            } else {
                event.lastError = error;
                failed++;
                LOG.warnf("Outbox %s (check %s, topic %s) not acknowledged, attempt %d: %s",
                        event.eventId, event.aggregateId, event.topic, event.attempts, error);
            }
        }
        return new BatchResult(batch.size(), sent, failed);
    }

    private CompletableFuture<Void> send(OutboxEvent event) {
        Message<String> record = Message.of(event.payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(event.topic)
                .withKey(event.messageKey)
                .build());
        try {
            return emitter.sendMessage(record).subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            // The emitter refuses synchronously when its buffer is full or the channel is down.
            return CompletableFuture.failedFuture(e);
        }
    }

    private static String awaitAck(CompletableFuture<Void> ack, long waitUntilNanos) {
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
