package dev.parallax.coordinator.testinfra;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Plain Kafka clients for tests: publish as an agent would, read what the coordinator published. */
public final class KafkaTestClient {

    private KafkaTestClient() {
    }

    public static void publish(String bootstrap, String topic, String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not publish to " + topic + ": " + e, e);
        }
    }

    /** Reads the topic from the beginning until a record with this key shows up, or fails after the timeout. */
    public static List<ConsumerRecord<String, String>> awaitRecords(String bootstrap, String topic, String key,
                                                                    int count, Duration timeout) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = readerFromTheStart(bootstrap)) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + timeout.toNanos();
            while (found.size() < count && System.nanoTime() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                }
            }
        }
        if (found.size() < count) {
            throw new AssertionError("expected " + count + " record(s) with key " + key + " on " + topic
                    + " within " + timeout + ", found " + found.size());
        }
        return found;
    }

    /**
     * Every record of the topic, read from the beginning until one with {@code key} shows up: a marker published
     * after something that must not be there, so that "not there" is not just "not there yet".
     */
    public static List<ConsumerRecord<String, String>> readUntilKey(String bootstrap, String topic, String key,
                                                                    Duration timeout) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = readerFromTheStart(bootstrap)) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record);
                }
                if (read.stream().anyMatch(record -> key.equals(record.key()))) {
                    return read;
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on " + topic + " within " + timeout + " ("
                + read.size() + " others read)");
    }

    /**
     * Every record the topic holds now, from the start of each partition up to its end offset at the time of the
     * call: with records keyed to several partitions, no partition is left half read.
     */
    public static List<ConsumerRecord<String, String>> readToEnd(String bootstrap, String topic, Duration timeout) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = readerFromTheStart(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long until = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < until) {
                if (ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    return read;
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record);
                }
            }
        }
        throw new AssertionError(topic + " not read to its end within " + timeout + " (" + read.size()
                + " records read)");
    }

    /** A consumer of its own group that reads from the beginning and commits nothing. */
    private static KafkaConsumer<String, String> readerFromTheStart(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
    }
}
