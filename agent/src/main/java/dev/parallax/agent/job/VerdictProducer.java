package dev.parallax.agent.job;

import dev.parallax.common.contract.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Publishes verdicts to {@code parallax.verdicts}, keyed by check id: acknowledged writes only ({@code acks=all},
 * idempotent). A plain Kafka producer rather than a messaging channel: a job's thread sends and waits for the
 * acknowledgement itself, with no dispatch through the messaging layer on the way (docs/benchmarks.md, "System
 * benchmark"). Any thread MAY send. Created at start-up, not by the first job, which would wait for it.
 */
@Startup
@Singleton
public class VerdictProducer {

    /** The client id, which names the producer's Kafka client meters. */
    static final String CLIENT_ID = "kafka-producer-verdicts-out";

    private final KafkaProducer<String, String> producer;
    private final KafkaClientMetrics clientMetrics;

    public VerdictProducer(@Identifier(AgentKafkaSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                           MeterRegistry registry) {
        producer = new KafkaProducer<>(AgentKafkaSettings.of(kafka, ProducerConfig.configNames(), Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Sent at once: Kafka 4's default linger of 5 ms adds itself to every check's latency; verdicts are
                // batched where they are stored (the coordinator's ingester takes a poll's worth per transaction).
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)));
        clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    /**
     * Sends the verdict and waits for Kafka's acknowledgement.
     *
     * @throws ExecutionException when Kafka did not take it (the cause says why)
     */
    public void send(UUID checkId, String verdictJson) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(Topics.VERDICTS, checkId.toString(), verdictJson)).get();
    }

    @PreDestroy
    void close() {
        clientMetrics.close();
        producer.close(Duration.ofSeconds(5));
    }
}
