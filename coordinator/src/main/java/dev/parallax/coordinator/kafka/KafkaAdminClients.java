package dev.parallax.coordinator.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Creates the coordinator's own Kafka admin clients with the connection settings every Kafka client of the app gets
 * (bootstrap servers, TLS, SASL), so that a broker that wants TLS and SASL (deploy/README.md) lets them in too.
 */
@ApplicationScoped
public class KafkaAdminClients {

    /** The name of Quarkus's bean with every {@code kafka.*} property as Kafka client settings. */
    static final String KAFKA_PROPERTIES = "default-kafka-broker";

    private final Map<String, Object> kafka;

    public KafkaAdminClients(@Identifier(KAFKA_PROPERTIES) Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** A new admin client whose calls give up after these bounds; the caller closes it. */
    public Admin create(int requestTimeoutMs, int apiTimeoutMs) {
        return Admin.create(settings(kafka, requestTimeoutMs, apiTimeoutMs));
    }

    /**
     * The admin-client settings among {@code kafka} (the rest, such as the application's default group.id, would
     * only earn an "unknown configuration" warning), with these timeouts.
     */
    static Map<String, Object> settings(Map<String, Object> kafka, int requestTimeoutMs, int apiTimeoutMs) {
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
