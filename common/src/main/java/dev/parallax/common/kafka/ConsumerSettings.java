package dev.parallax.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.HashMap;
import java.util.Map;

/**
 * What a {@link TopicConsumer} reads and how: its topic, and its Kafka client settings, which are the connection
 * settings every Kafka client of the app gets (Quarkus's {@value #KAFKA_PROPERTIES} bean: every {@code kafka.*}
 * property, so that TLS and SASL are configured once for the connector's channels and these consumers alike),
 * overridden by the consumer's own. Keys and values are strings, and offsets are committed by the consumer alone.
 */
public record ConsumerSettings(String topic, Map<String, Object> kafka) {

    /** The name of Quarkus's bean with every {@code kafka.*} property as Kafka client settings. */
    public static final String KAFKA_PROPERTIES = "default-kafka-broker";

    public ConsumerSettings {
        kafka = Map.copyOf(kafka);
    }

    public String group() {
        return String.valueOf(kafka.get(ConsumerConfig.GROUP_ID_CONFIG));
    }

    /**
     * @param broker the app's {@value #KAFKA_PROPERTIES} settings; those a consumer does not know are left out (they
     *               would only earn an "unknown configuration" warning)
     * @param own    the consumer's own settings, its {@code group.id} among them
     */
    public static ConsumerSettings of(Map<String, Object> broker, String topic, Map<String, Object> own) {
        if (!own.containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            throw new IllegalArgumentException("a consumer of " + topic + " needs a group.id");
        }
        Map<String, Object> kafka = new HashMap<>();
        broker.forEach((name, value) -> {
            if (ConsumerConfig.configNames().contains(name)) {
                kafka.put(name, value);
            }
        });
        kafka.putAll(own);
        kafka.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        kafka.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        kafka.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new ConsumerSettings(topic, kafka);
    }
}
