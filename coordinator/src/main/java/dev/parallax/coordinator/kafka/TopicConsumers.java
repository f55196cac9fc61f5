package dev.parallax.coordinator.kafka;

import dev.parallax.common.kafka.KafkaClientSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Starts the coordinator's {@link TopicConsumer}s, and knows them for the health checks. */
@ApplicationScoped
public class TopicConsumers {

    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final List<TopicConsumer> started = new CopyOnWriteArrayList<>();

    public TopicConsumers(@Identifier(KafkaClientSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                          MeterRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * Starts a consumer of {@code topic} in {@code group}, named {@code name} (its thread and its Kafka client id,
     * which names its client meters), with the connection settings of every client and {@code own} on top.
     */
    public TopicConsumer start(String name, String topic, String group, TopicConsumer.Offsets offsets,
                               Map<String, Object> own, TopicConsumer.BatchHandler handler) {
        Map<String, Object> settings = new HashMap<>(own);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                KafkaClientSettings.of(kafka, ConsumerConfig.configNames(), settings));
        KafkaClientMetrics clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(registry);
        TopicConsumer topicConsumer = new TopicConsumer(name, topic, group, offsets, handler, consumer,
                clientMetrics);
        started.add(topicConsumer);
        topicConsumer.start();
        return topicConsumer;
    }

    public List<TopicConsumer.State> states() {
        return started.stream().map(TopicConsumer::state).toList();
    }
}
