package dev.parallax.bench;

import dev.parallax.common.contract.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What waits in the stack, read by the harness itself from PostgreSQL and the broker: under overload the
 * coordinator's own gauges ({@code /q/metrics}) wait behind the queued submissions and cannot be read at the
 * moment that matters. Same definitions as the coordinator's {@code JobBacklog}.
 */
final class StackBacklog implements AutoCloseable {

    /** The coordinators' consumer group on the verdicts topic. */
    private static final String VERDICTS_GROUP = Topics.COORDINATOR_GROUP;
    private static final long CALL_BOUND_MS = 10_000;

    /** Rows and lags at one moment; {@code jobsLag} summed over the regions' topics. */
    record Reading(long outboxRows, long jobsLag, long verdictsLag) {
    }

    private final Connection db;
    private final Admin admin;
    private final List<String> regions;

    /** Takes {@code db} over (its own connection: the phases read others concurrently) and closes it. */
    StackBacklog(Connection db, String bootstrap, List<String> regions) {
        this.db = db;
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(config);
        this.regions = List.copyOf(regions);
    }

    Reading read() throws Exception {
        long jobs = 0;
        for (String region : regions) {
            jobs += lag(Topics.jobs(region), Topics.agentGroup(region));
        }
        return new Reading(outboxRows(), jobs, lag(Topics.VERDICTS, VERDICTS_GROUP));
    }

    private long outboxRows() throws Exception {
        try (Statement query = db.createStatement(); ResultSet rows = query.executeQuery("""
                SELECT count(*) FROM outbox_events
                 WHERE sent_at IS NULL AND (expires_at IS NULL OR expires_at > now())""")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The sum over the topic's partitions of (latest offset - the group's committed offset, or the earliest). */
    private long lag(String topic, String group) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(CALL_BOUND_MS, TimeUnit.MILLISECONDS)
                .get(topic).partitions().forEach(partition -> {
                    TopicPartition key = new TopicPartition(topic, partition.partition());
                    latest.put(key, OffsetSpec.latest());
                    earliest.put(key, OffsetSpec.earliest());
                });
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                admin.listOffsets(earliest).all().get(CALL_BOUND_MS, TimeUnit.MILLISECONDS);
        long lag = 0;
        for (TopicPartition partition : ends.keySet()) {
            OffsetAndMetadata offset = committed.get(partition);
            long from = offset != null ? offset.offset() : starts.get(partition).offset();
            lag += Math.max(0, ends.get(partition).offset() - from);
        }
        return lag;
    }

    @Override
    public void close() throws SQLException {
        admin.close();
        db.close();
    }
}
