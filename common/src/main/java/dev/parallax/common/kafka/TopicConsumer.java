package dev.parallax.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One topic read by a plain Kafka consumer on a platform thread of its own, for the two paths where the SmallRye
 * connector's dispatch (its polling thread, then an event loop, then a worker or virtual thread, per record or per
 * batch) cost more than the bound the project allows (docs/benchmarks.md, "The two consumers"). It hands records over
 * in one of two ways:
 * <ul>
 *   <li>{@link #pollByPoll}: each poll's records, whole, to a handler on the consumer's own thread (the
 *   coordinator's verdicts, stored one transaction per poll);</li>
 *   <li>{@link #recordByRecord}: each record to a handler on a virtual thread of its own, at most {@code atOnce}
 *   at a time; the rest wait in order, and the partitions are paused while {@code atOnce} wait (the agent's
 *   jobs).</li>
 * </ul>
 *
 * <p>At least once: a partition's offset is committed only past records the handler is done with, and only once every
 * earlier record of the partition is done with too ({@link PartitionProgress}); commits go out every
 * {@link #COMMIT_INTERVAL}, when a partition is revoked, and on stop. A crash redelivers what was not committed; the
 * handlers absorb repeats. A batch the handler did not finish is read again after {@link #AFTER_FAILURE}; a record
 * it did not finish is left to the group's next consumer.
 *
 * <p>Threads: the Kafka consumer belongs to the consumer's thread, which polls, commits, pauses and takes the
 * rebalance callbacks; handlers on other threads say that they are done through a queue. Nothing else touches the
 * Kafka consumer, except {@link KafkaConsumer#wakeup()} to stop it.
 */
public final class TopicConsumer {

    /** Handles one poll's records, on the consumer's thread. */
    @FunctionalInterface
    public interface BatchHandler {
        /**
         * @return whether the records are done with; false reads them again after {@link #AFTER_FAILURE} (unless the
         * consumer stops, which leaves them to the group's next consumer)
         */
        boolean handle(List<ConsumerRecord<String, String>> records);
    }

    /** Handles one record, on a virtual thread of its own. */
    @FunctionalInterface
    public interface RecordHandler {
        /**
         * @return whether the record is done with; false leaves it uncommitted, for the group's next consumer (the
         * app is stopping). A handler that throws is logged and done with: holding the partition's commits back for
         * good would redeliver every later record after a restart.
         */
        boolean handle(ConsumerRecord<String, String> record);
    }

    /**
     * What health checks show of a consumer; safe to read from any thread. {@code started}: {@link #start} was
     * called; {@code running}: its thread is alive;
     * {@code stopped}: it was told to stop; {@code pollFailures}: polls that failed in a row (an authorization
     * refused, an offset out of range with no reset policy: what retrying does not cure by itself).
     */
    public record State(String name, String topic, String group, boolean started, boolean running, boolean stopped,
                        SortedSet<Integer> partitions, Duration sinceLastPoll, int pollFailures) {
    }

    private static final Logger LOG = Logger.getLogger(TopicConsumer.class);
    /** How long a poll waits for records; also how soon paused partitions resume and a stop is seen. */
    private static final Duration POLL = Duration.ofMillis(100);
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final String name;
    private final ConsumerSettings settings;
    private final BatchHandler batchHandler;
    private final RecordHandler recordHandler;
    private final int atOnce;
    private final MeterRegistry registry;
    private final Set<Integer> assigned = new ConcurrentSkipListSet<>();
    private final Thread thread;
    private volatile boolean started;
    private volatile boolean stopping;
    private volatile Duration stopGrace = Duration.ZERO;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile int pollFailures;

    // Record by record: what waits for a runner, what ended, and the runners.
    private final LinkedBlockingQueue<Taken> waiting = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Taken> ended = new ConcurrentLinkedQueue<>();
    private final Semaphore runners;
    private final ExecutorService virtualThreads;

    // The consumer thread's own.
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private Consumer<String, String> consumer;
    private KafkaClientMetrics clientMetrics;

    private TopicConsumer(String name, ConsumerSettings settings, BatchHandler batchHandler,
                          RecordHandler recordHandler, int atOnce, MeterRegistry registry) {
        this.name = name;
        this.settings = settings;
        this.batchHandler = batchHandler;
        this.recordHandler = recordHandler;
        this.atOnce = atOnce;
        this.registry = registry;
        this.runners = new Semaphore(atOnce);
        this.virtualThreads = recordHandler == null ? null
                : Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::pollLoop);
    }

    /**
     * @param name     the consumer's thread and client id ({@code client.id}, which names its Kafka client meters)
     * @param registry where the client's meters go (its lag per partition among them), or null for none
     */
    public static TopicConsumer pollByPoll(String name, ConsumerSettings settings, BatchHandler handler,
                                           MeterRegistry registry) {
        return new TopicConsumer(name, settings, handler, null, 1, registry);
    }

    /** As {@link #pollByPoll}, with at most {@code atOnce} records handled at a time. */
    public static TopicConsumer recordByRecord(String name, ConsumerSettings settings, int atOnce,
                                               RecordHandler handler, MeterRegistry registry) {
        if (atOnce < 1) {
            throw new IllegalArgumentException("atOnce must be at least 1, got " + atOnce);
        }
        return new TopicConsumer(name, settings, null, handler, atOnce, registry);
    }

    public void start() {
        Map<String, Object> kafka = new HashMap<>(settings.kafka());
        kafka.putIfAbsent("client.id", name);
        consumer = new KafkaConsumer<>(kafka);
        if (registry != null) {
            clientMetrics = new KafkaClientMetrics(consumer);
            clientMetrics.bindTo(registry);
        }
        started = true;
        thread.start();
    }

    /**
     * Wakes the consumer and waits for its thread to end: running handlers get {@code grace} to end, what ended is
     * committed, the consumer leaves its group. Records not handled yet are left to the group's next consumer.
     */
    public void stop(Duration grace) throws InterruptedException {
        stopGrace = grace;
        stopping = true;
        if (thread.isAlive()) {
            consumer.wakeup();
            // The grace, then at most a commit on revocation, one on stop and the close.
            thread.join(grace.plus(COMMIT_TIMEOUT.multipliedBy(3)).toMillis());
            if (thread.isAlive()) {
                LOG.warnf("The consumer of %s did not stop in time; what it handles from now on is not committed",
                        settings.topic());
            }
        }
        if (virtualThreads != null) {
            virtualThreads.shutdown();
        }
    }

    public State state() {
        return new State(name, settings.topic(), settings.group(), started, thread.isAlive(), stopping,
                new TreeSet<>(assigned), Duration.ofNanos(System.nanoTime() - lastPollNanos), pollFailures);
    }

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(settings.topic()), new Rebalance());
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
                    LOG.errorf(e, "Polling %s failed; polling again in %d ms", settings.topic(),
                            AFTER_FAILURE.toMillis());
                    Thread.sleep(AFTER_FAILURE);
                    continue;
                }
                try {
                    if (!records.isEmpty()) {
                        if (recordHandler != null) {
                            queue(records);
                        } else {
                            handleBatch(records);
                        }
                    }
                    settleEnded();
                    if (recordHandler != null) {
                        pauseWhileFull();
                    }
                    if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
                        commitAsync();
                        lastCommit = System.nanoTime();
                    }
                } catch (WakeupException e) {
                    // stop() woke a commit or a seek; the loop's condition ends it.
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Consuming %s failed; going on in %d ms", settings.topic(),
                            AFTER_FAILURE.toMillis());
                    Thread.sleep(AFTER_FAILURE);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "The consumer of %s ended", settings.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    private void handleBatch(ConsumerRecords<String, String> records) throws InterruptedException {
        List<ConsumerRecord<String, String>> all = new ArrayList<>(records.count());
        records.forEach(all::add);
        boolean done;
        try {
            done = batchHandler.handle(all);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Handling %d records of %s failed", all.size(), settings.topic());
            done = false;
        }
        if (done) {
            for (ConsumerRecord<String, String> record : all) {
                PartitionProgress partition = progressOf(record);
                partition.taken(record.offset());
                partition.done(record.offset());
            }
        } else if (!stopping) {
            LOG.warnf("%d records of %s not done with; reading them again in %d ms", all.size(), settings.topic(),
                    AFTER_FAILURE.toMillis());
            for (TopicPartition partition : records.partitions()) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
            Thread.sleep(AFTER_FAILURE);
        }
    }

    private void queue(ConsumerRecords<String, String> records) {
        for (ConsumerRecord<String, String> record : records) {
            PartitionProgress partition = progressOf(record);
            partition.taken(record.offset());
            waiting.add(new Taken(record, partition));
        }
        startRunners();
    }

    private PartitionProgress progressOf(ConsumerRecord<?, ?> record) {
        return progress.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                any -> new PartitionProgress());
    }

    private void pauseWhileFull() {
        if (waiting.size() >= atOnce) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void startRunners() {
        while (!stopping && !waiting.isEmpty() && runners.tryAcquire()) {
            try {
                virtualThreads.execute(this::runWaiting);
            } catch (RejectedExecutionException e) {
                runners.release();
                return;
            }
        }
    }

    /** One of at most {@code atOnce} runners: takes waiting records in order until none is left. */
    private void runWaiting() {
        try {
            Taken next;
            while (!stopping && (next = waiting.poll()) != null) {
                if (handle(next.record())) {
                    ended.add(next);
                } else if (!stopping) {
                    LOG.warnf("Record %s-%d@%d left undone; its partition's offsets stay where they are until another"
                            + " consumer takes the partition", next.record().topic(), next.record().partition(),
                            next.record().offset());
                }
            }
        } finally {
            runners.release();
            if (!waiting.isEmpty()) {
                startRunners();
            }
        }
    }

    private boolean handle(ConsumerRecord<String, String> record) {
        try {
            return recordHandler.handle(record);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Record %s-%d@%d failed; done with it all the same", record.topic(), record.partition(),
                    record.offset());
            return true;
        }
    }

    /** Ended records count only for the partition's progress they were taken under: a revoked one is forgotten. */
    private void settleEnded() {
        Taken taken;
        while ((taken = ended.poll()) != null) {
            taken.partition().done(taken.record().offset());
        }
    }

    /** Commits without waiting; a failed commit is retried by the next one. */
    private void commitAsync() {
        Map<TopicPartition, OffsetAndMetadata> commit = uncommitted(progress.keySet());
        if (commit.isEmpty()) {
            return;
        }
        commit.forEach((partition, at) -> committed.put(partition, at.offset()));
        // The callback runs on this thread, within a later poll or commit.
        consumer.commitAsync(commit, (done, failure) -> {
            if (failure != null) {
                LOG.warnf("Committing offsets of %s failed, retried with the next commit: %s", settings.topic(),
                        failure.getMessage());
                done.keySet().forEach(committed::remove);
            }
        });
    }

    private void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = uncommitted(partitions);
        if (!commit.isEmpty()) {
            consumer.commitSync(commit, COMMIT_TIMEOUT);
            commit.forEach((partition, at) -> committed.put(partition, at.offset()));
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> uncommitted(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition partition : partitions) {
            PartitionProgress of = progress.get(partition);
            long at = of == null ? -1 : of.committable();
            if (at >= 0 && at != committed.getOrDefault(partition, -1L)) {
                commit.put(partition, new OffsetAndMetadata(at));
            }
        }
        return commit;
    }

    /**
     * Records not started are left; running ones get the grace {@link #stop} was given; what ended is committed
     * (twice at most: a wake-up that no poll took yet ends the first attempt); then the consumer leaves its group.
     */
    private void close() {
        waiting.clear();
        if (recordHandler != null) {
            try {
                // Every runner holds a permit until it ends: all of them back means no record is handled any more.
                runners.tryAcquire(atOnce, stopGrace.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        settleEnded();
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                commitSync(progress.keySet());
                break;
            } catch (WakeupException e) {
                LOG.debugf("Commit of %s on stop woken (attempt %d)", settings.topic(), attempt);
            } catch (RuntimeException e) {
                LOG.warnf("Committing %s on stop failed; what was done since the last commit will be read again: %s",
                        settings.topic(), e.getMessage());
                break;
            }
        }
        try {
            consumer.close(COMMIT_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("Closing the consumer of %s: %s", settings.topic(), e.getMessage());
        }
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        assigned.clear();
    }

    /** A record waiting for or held by a runner, with the partition's progress it was taken under. */
    private record Taken(ConsumerRecord<String, String> record, PartitionProgress partition) {
    }

    /** Runs on the consumer's thread, within {@link KafkaConsumer#poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> assigned.add(partition.partition()));
        }

        /** What was done with is committed before another consumer takes the partitions; what waits is left to it. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            waiting.removeIf(taken -> partitions.contains(partitionOf(taken.record())));
            settleEnded();
            try {
                commitSync(partitions);
            } catch (RuntimeException e) {
                LOG.warnf("Committing revoked partitions %s failed; their last records will be read again: %s",
                        partitions, e.getMessage());
            }
            forget(partitions);
        }

        /** Already someone else's: nothing may be committed any more. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            waiting.removeIf(taken -> partitions.contains(partitionOf(taken.record())));
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                assigned.remove(partition.partition());
                progress.remove(partition);
                committed.remove(partition);
            }
        }

        private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
            return new TopicPartition(record.topic(), record.partition());
        }
    }
}
