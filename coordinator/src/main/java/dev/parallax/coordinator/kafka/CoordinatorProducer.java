package dev.parallax.coordinator.kafka;

import dev.parallax.common.kafka.KafkaClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The coordinator's one Kafka producer, for the jobs the outbox relay publishes and the verdicts parked on the
 * dead-letter topic. Acknowledged writes only ({@code acks=all}, idempotent), sent at once. A plain producer
 * rather than messaging channels: the relay sends a batch and waits for its acknowledgements itself, without a
 * dispatch through the messaging layer and its event loop, and one producer keeps one network thread and one set of
 * buffers (docs/benchmarks.md, "System benchmark", round five). Any thread MAY send. Created at start-up, not by the
 * relay's first batch, which would wait for it.
 */
@Startup
@Singleton
public class CoordinatorProducer {

    /** The client id, which names the producer's Kafka client meters. */
    static final String CLIENT_ID = "kafka-producer-coordinator";

    private final KafkaProducer<String, String> producer;
    private final KafkaClientMetrics clientMetrics;

    public CoordinatorProducer(@Identifier(KafkaClientSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                               MeterRegistry registry) {
        producer = new KafkaProducer<>(KafkaClientSettings.producer(kafka, Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                // A topic the broker does not know must not hold the relay's thread for a minute (the default).
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)));
        clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    /**
     * Sends the record; the future completes when Kafka acknowledged it, or fails with the reason it did not. Never
     * throws: a record refused before it was sent (buffer full, topic metadata not found in time, producer closed)
     * is a failed future too.
     */
    public Future<RecordMetadata> send(ProducerRecord<String, String> record) {
        try {
            return producer.send(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends the record and waits at most {@code atMost} for Kafka's acknowledgement.
     *
     * @throws ExecutionException when Kafka did not take it (the cause says why)
     */
    public void sendAndAwait(ProducerRecord<String, String> record, Duration atMost)
            throws ExecutionException, InterruptedException, TimeoutException {
        send(record).get(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    @PreDestroy
    void close() {
        clientMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
