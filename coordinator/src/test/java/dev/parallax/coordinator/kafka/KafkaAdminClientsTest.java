package dev.parallax.coordinator.kafka;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaAdminClientsTest {

    @Test
    void adminClientsConnectAsTheChannelsDoThroughTlsAndSasl() {
        Map<String, Object> kafka = Map.of(
                "bootstrap.servers", "kafka.example:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.truststore.location", "/etc/parallax/kafka-ca/ca.crt",
                "ssl.truststore.type", "PEM");

        assertThat(KafkaAdminClients.settings(kafka, 3_000, 5_000)).containsAllEntriesOf(kafka)
                .containsEntry("request.timeout.ms", 3_000)
                .containsEntry("default.api.timeout.ms", 5_000);
    }

    @Test
    void settingsAnAdminClientDoesNotKnowAreLeftOut() {
        Map<String, Object> kafka = Map.of("bootstrap.servers", "kafka.example:9093", "group.id", "parallax-coordinator",
                "request.timeout.ms", "30000");

        assertThat(KafkaAdminClients.settings(kafka, 3_000, 5_000)).as("group.id is a consumer's, the timeouts are ours")
                .containsOnlyKeys("bootstrap.servers", "request.timeout.ms", "default.api.timeout.ms")
                .containsEntry("request.timeout.ms", 3_000);
    }
}
