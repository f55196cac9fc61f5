package dev.parallax.common.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Settings for the apps' own Kafka clients (consumers, producers, admin clients): the connection settings every
 * client gets (bootstrap servers, TLS, SASL, from Quarkus's {@value #KAFKA_PROPERTIES} bean of every
 * {@code kafka.*} property, environment variables such as {@code KAFKA_SASL_JAAS_CONFIG} included), then the
 * client's own.
 */
public final class KafkaClientSettings {

    /** The name of Quarkus's bean with every {@code kafka.*} property as Kafka client settings. */
    public static final String KAFKA_PROPERTIES = "default-kafka-broker";

    /**
     * How every producer of ours writes (the agent's; the coordinator's, which adds a bound on blocking): string keys
     * and values, acknowledged by every in-sync replica, idempotent, sent at once. Kafka 4's default linger of 5 ms
     * would add itself to every check's latency at each hop; batching belongs where records are read (the
     * coordinator's ingester takes a poll's worth per transaction) and where the relay hands over a batch of rows.
     */
    private static final Map<String, Object> ACKNOWLEDGED_PRODUCER = Map.of(
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);

    private KafkaClientSettings() {
    }

    /** {@link #of} for a producer: {@link #ACKNOWLEDGED_PRODUCER}'s settings, overridden by {@code own}. */
    public static Map<String, Object> producer(Map<String, Object> kafka, Map<String, Object> own) {
        Map<String, Object> settings = new HashMap<>(ACKNOWLEDGED_PRODUCER);
        settings.putAll(own);
        return of(kafka, ProducerConfig.configNames(), settings);
    }

    /**
     * The settings among {@code kafka} that a client of this kind knows ({@code known}: e.g.
     * {@code ConsumerConfig.configNames()}; the rest would only earn an "unknown configuration" warning),
     * overridden by {@code own}.
     */
    public static Map<String, Object> of(Map<String, Object> kafka, Set<String> known, Map<String, Object> own) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (known.contains(name)) {
                settings.put(name, value);
            }
        });
        settings.putAll(own);
        return settings;
    }
}
