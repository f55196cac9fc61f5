package dev.parallax.coordinator.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;

import java.util.Map;

/**
 * Creates the coordinator's Kafka admin clients with the connection settings the messaging channels get
 * ({@link KafkaAdminSettings}), so an admin call reaches a secured broker exactly as producers and consumers do.
 */
@ApplicationScoped
public class KafkaAdminClients {

    private final Map<String, Object> kafka;

    public KafkaAdminClients(@Identifier(KafkaAdminSettings.KAFKA_PROPERTIES) Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    /** A new admin client whose calls give up after these bounds; the caller closes it. */
    public Admin create(int requestTimeoutMs, int apiTimeoutMs) {
        return Admin.create(KafkaAdminSettings.of(kafka, requestTimeoutMs, apiTimeoutMs));
    }
}
