package dev.parallax.coordinator.kafka;

import dev.parallax.common.kafka.OffsetCommits;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * One topic read by a plain Kafka consumer on a platform thread of its own, which hands each poll's records whole to
 * a handler on that same thread. Through the messaging layer every poll crossed the consumer's thread, an event loop
 * and a worker thread, and that dispatch was about a tenth of the coordinator's CPU (docs/benchmarks.md, "System
 * benchmark", round four).
 *
 * <p>With {@link Offsets#COMMITTED}, a partition's offset is committed only past records whose batch the handler
 * returned from, every {@link #COMMIT_INTERVAL}, when the partition is revoked, and on stop: a crash redelivers the
 * records handled since the last commit that went through, which the handlers absorb (they are idempotent). If the
 * handler throws, the batch is read again after {@link #AFTER_FAILURE}.
 *
 * <p>Threads: the consumer belongs to its thread, which polls, runs the handler, commits and takes the rebalance
 * callbacks. Nothing else MAY touch the consumer, except {@link KafkaConsumer#wakeup()} to stop it; the handler
 * MUST NOT be called from elsewhere.
 */
public final class TopicConsumer {

    /** What the consumer's group keeps. */
    public enum Offsets {
        /** Offsets are committed once handled: the group resumes where it stopped. */
        COMMITTED,
        /** Nothing is committed: every start reads from {@code auto.offset.reset}. */
        NONE
    }

    /** Handles one poll's records, on the consumer's thread; returning means they are done with. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(ConsumerRecords<String, String> records);
    }

    /**
     * What health checks show of a consumer; safe to read from any thread. {@code running}: its thread is alive;
     * {@code stopped}: it was told to stop; {@code pollFailures}: polls that failed in a row since the last that
     * did not (an authorization refused, an offset out of range with no reset policy: what retrying will not cure
     * by itself).
     */
    public record State(String name, String topic, String group, boolean running, boolean stopped,
                        SortedSet<Integer> partitions, Duration sinceLastPoll, int pollFailures) {
    }

    private static final Logger LOG = Logger.getLogger(TopicConsumer.class);
    /** How long a poll waits for records; also how soon a stop is seen between polls. */
    private static final Duration POLL = Duration.ofMillis(100);
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final String name;
    private final String topic;
    private final String group;
    private final Offsets offsets;
    private final BatchHandler handler;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaClientMetrics clientMetrics;
    private final Set<Integer> assigned = new ConcurrentSkipListSet<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile int pollFailures;

    // The consumer thread's own: the offset after each partition's last handled record, and the commits.
    private final Map<TopicPartition, Long> handled = new HashMap<>();
    private final OffsetCommits commits;

    TopicConsumer(String name, String topic, String group, Offsets offsets, BatchHandler handler,
                  KafkaConsumer<String, String> consumer, KafkaClientMetrics clientMetrics) {
        this.name = name;
        this.topic = topic;
        this.group = group;
        this.offsets = offsets;
        this.handler = handler;
        this.consumer = consumer;
        this.clientMetrics = clientMetrics;
        this.commits = new OffsetCommits(consumer, topic, partition -> handled.getOrDefault(partition, -1L),
                COMMIT_TIMEOUT);
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::pollLoop);
    }

    void start() {
        thread.start();
    }

    /** Wakes the consumer, and waits at most {@code atMost} for its thread to commit and close it. */
    public void stop(Duration atMost) throws InterruptedException {
        stopping = true;
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(atMost);
            if (thread.isAlive()) {
                LOG.warnf("The consumer of %s did not stop within %d s; what it handles from now on is not committed",
                        topic, atMost.toSeconds());
            }
        }
    }

    public State state() {
        return new State(name, topic, group, thread.isAlive(), stopping, new TreeSet<>(assigned),
                Duration.ofNanos(System.nanoTime() - lastPollNanos), pollFailures);
    }

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            long lastCommit = System.nanoTime();
            while (!stopping) {
                ConsumerRecords<String, String> records;
                try {
                    records = consumer.poll(POLL);
                    lastPollNanos = System.nanoTime();
                    pollFailures = 0;
                } catch (WakeupException e) {
                    continue;
                } catch (RuntimeException e) {
                    pollFailures++;
                    LOG.errorf(e, "Polling %s failed; polling again in %d ms", topic, AFTER_FAILURE.toMillis());
                    Thread.sleep(AFTER_FAILURE);
                    continue;
                }
                if (!records.isEmpty() && !handle(records)) {
                    continue;
                }
                if (offsets == Offsets.COMMITTED && System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
                    commits.commitAsync(handled.keySet());
                    lastCommit = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** Whether the handler took the batch; if it threw, the batch's partitions are rewound to read it again. */
    private boolean handle(ConsumerRecords<String, String> records) throws InterruptedException {
        try {
            handler.handle(records);
        } catch (RuntimeException e) {
            if (stopping) {
                // Not committed: the records go to whichever consumer of the group reads next.
                return false;
            }
            LOG.errorf(e, "Handling %d records of %s failed; reading them again in %d ms", records.count(), topic,
                    AFTER_FAILURE.toMillis());
            for (TopicPartition partition : records.partitions()) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
            Thread.sleep(AFTER_FAILURE);
            return false;
        }
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, String>> ofPartition = records.records(partition);
            handled.put(partition, ofPartition.getLast().offset() + 1);
        }
        return true;
    }

    private void close() {
        if (offsets == Offsets.COMMITTED) {
            commits.commitOnStop(handled.keySet());
        }
        try {
            consumer.close(COMMIT_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("Closing the consumer of %s: %s", topic, e.getMessage());
        }
        clientMetrics.close();
        assigned.clear();
    }

    /** Runs on the consumer's thread, within {@link KafkaConsumer#poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> assigned.add(partition.partition()));
        }

        /** What was handled is committed before another consumer takes the partitions. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (offsets == Offsets.COMMITTED) {
                try {
                    commits.commitSync(partitions);
                } catch (RuntimeException e) {
                    LOG.warnf("Committing revoked partitions %s failed; their last records will be read again: %s",
                            partitions, e.getMessage());
                }
            }
            forget(partitions);
        }

        /** Already someone else's: nothing may be committed any more. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> {
                assigned.remove(partition.partition());
                handled.remove(partition);
            });
            commits.forget(partitions);
        }
    }
}
