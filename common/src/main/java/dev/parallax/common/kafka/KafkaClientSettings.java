package dev.parallax.common.kafka;

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

    private KafkaClientSettings() {
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
