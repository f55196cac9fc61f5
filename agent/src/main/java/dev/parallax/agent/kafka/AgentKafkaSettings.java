package dev.parallax.agent.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Settings for the agent's Kafka clients (the jobs consumer, the producer): the connection settings
 * every Kafka channel gets (bootstrap servers, TLS, SASL, from Quarkus's {@value #KAFKA_PROPERTIES} bean of every
 * {@code kafka.*} property, environment variables included), then the client's own.
 */
public final class AgentKafkaSettings {

    /** The name of Quarkus's bean with every {@code kafka.*} property as Kafka client settings. */
    public static final String KAFKA_PROPERTIES = "default-kafka-broker";

    private AgentKafkaSettings() {
    }

    /**
     * The settings among {@code kafka} that a client of this kind knows (the rest would only earn an "unknown
     * configuration" warning), overridden by {@code own}.
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
