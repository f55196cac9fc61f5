package dev.parallax.coordinator.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Creates Kafka admin clients with the same connection settings as the messaging channels: every
 * {@code kafka.*} property (bootstrap servers, and TLS/SASL when the broker needs them), so an admin call
 * reaches a secured broker exactly as the producers and consumers do.
 */
@ApplicationScoped
public class KafkaAdminClients {

    private final Map<String, Object> connection;

    public KafkaAdminClients(@Identifier("default-kafka-broker") Map<String, Object> connection) {
        this.connection = connection;
    }

    /** A new admin client whose calls give up after these bounds; the caller closes it. */
    public Admin create(int requestTimeoutMs, int apiTimeoutMs) {
        Map<String, Object> config = new HashMap<>();
        connection.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeoutMs);
        return Admin.create(config);
    }
}
