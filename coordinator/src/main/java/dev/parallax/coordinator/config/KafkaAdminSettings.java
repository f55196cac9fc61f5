package dev.parallax.coordinator.config;

import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings of the coordinator's own admin clients: the connection settings every Kafka channel gets (bootstrap
 * servers, TLS, SASL), so that a broker that wants TLS and SASL (deploy/README.md) lets them in too.
 */
public final class KafkaAdminSettings {

    /**
     * The name of Quarkus's bean with every {@code kafka.*} property, environment variables such as
     * {@code KAFKA_SASL_JAAS_CONFIG} included, as Kafka client settings ({@code sasl.jaas.config}).
     */
    public static final String KAFKA_PROPERTIES = "default-kafka-broker";

    private KafkaAdminSettings() {
    }

    /**
     * The admin-client settings among {@code kafka} (the rest, such as the application's default group.id, would
     * only earn an "unknown configuration" warning), with these timeouts.
     */
    public static Map<String, Object> of(Map<String, Object> kafka, int requestTimeoutMs, int apiTimeoutMs) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                settings.put(name, value);
            }
        });
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMs);
        return settings;
    }
}
