package dev.parallax.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.common.contract.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * When the records of some checks were produced, read back from the topics: each region's job (by the coordinator's
 * relay) and each region's verdict (by the agent). Kafka's CreateTime is the producer's clock, the same machine's as
 * every other timestamp the benchmark compares it with. Reads without a consumer group, from the beginning, up to
 * the end offsets seen at the start, bounded in time.
 */
final class RecordTimes {

    /** Epoch milliseconds a check's record for one region was produced. */
    record Key(UUID checkId, String region) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_AT_MOST = Duration.ofSeconds(60);

    final Map<Key, Long> jobs = new HashMap<>();
    final Map<Key, Long> verdicts = new HashMap<>();

    static RecordTimes read(String bootstrap, List<String> regions, Set<UUID> checks) {
        RecordTimes times = new RecordTimes();
        List<String> topics = new ArrayList<>(regions.stream().map(Topics::jobs).toList());
        topics.add(Topics.VERDICTS);
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
            long giveUp = System.nanoTime() + READ_AT_MOST.toNanos();
            while (!ends.isEmpty() && System.nanoTime() < giveUp) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    times.add(record, checks);
                }
                ends.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
            }
            if (!ends.isEmpty()) {
                SystemBench.log("record times: " + ends.size() + " partitions not read to their end within "
                        + READ_AT_MOST.toSeconds() + " s; the breakdown has gaps");
            }
        }
        return times;
    }

    private void add(ConsumerRecord<String, String> record, Set<UUID> checks) {
        try {
            JsonNode tree = JSON.readTree(record.value());
            UUID checkId = UUID.fromString(tree.path("checkId").asText(""));
            if (!checks.contains(checkId)) {
                return;
            }
            Key key = new Key(checkId, tree.path("region").asText(""));
            // The first record counts: a redelivered one came later and was not what the check waited for.
            (record.topic().equals(Topics.VERDICTS) ? verdicts : jobs).merge(key, record.timestamp(), Math::min);
        } catch (IOException | IllegalArgumentException e) {
            // Not a record of the benchmark's checks (the floors' topics are separate; a dead letter has no id).
        }
    }
}
