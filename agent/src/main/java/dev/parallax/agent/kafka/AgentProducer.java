package dev.parallax.agent.kafka;

import dev.parallax.common.kafka.KafkaClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's one Kafka producer, for everything it writes: verdicts, heartbeats and parked jobs. Acknowledged
 * writes only ({@code acks=all}, idempotent), sent at once. A plain producer rather than messaging channels: a
 * job's thread sends and waits for the acknowledgement itself, with no dispatch through the messaging layer, and
 * one producer keeps one network thread and one set of buffers instead of three (docs/benchmarks.md, "System
 * benchmark"). Any thread MAY send. Created at start-up, not by the first job, which would wait for it.
 */
@Startup
@Singleton
public class AgentProducer {

    /** The client id, which names the producer's Kafka client meters. */
    static final String CLIENT_ID = "kafka-producer-agent";

    private final KafkaProducer<String, String> producer;
    private final KafkaClientMetrics clientMetrics;

    public AgentProducer(@Identifier(KafkaClientSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                         MeterRegistry registry) {
        producer = new KafkaProducer<>(KafkaClientSettings.producer(kafka,
                Map.of(ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID)));
        clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    /**
     * Sends the record and waits for Kafka's acknowledgement.
     *
     * @throws ExecutionException when Kafka did not take it (the cause says why)
     */
    public void sendAndAwait(ProducerRecord<String, String> record) throws ExecutionException, InterruptedException {
        producer.send(record).get();
    }

    /** As {@link #sendAndAwait(ProducerRecord)}, waiting at most {@code atMost}. */
    public void sendAndAwait(ProducerRecord<String, String> record, Duration atMost)
            throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(record).get(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends the record without waiting; {@code done} runs on the producer's thread and MUST NOT block. */
    public void send(ProducerRecord<String, String> record, Callback done) {
        producer.send(record, done);
    }

    @PreDestroy
    void close() {
        clientMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
