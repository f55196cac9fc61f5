package dev.parallax.agent.job;

import dev.parallax.agent.config.AgentConfig;
import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.kafka.KafkaClientSettings;
import dev.parallax.common.kafka.OffsetCommits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Consumes this region's jobs ({@code parallax.jobs.<region>}, group {@code parallax-agent-<region>}) with a plain
 * Kafka consumer and runs each job on a virtual thread, at most {@code parallax.agent.max-jobs} at once; the rest
 * wait in order, and the partitions are paused while that many wait. Through the messaging layer, each job crossed
 * the polling thread, an event loop and a worker pool, and that dispatch was most of an agent's CPU per job
 * (docs/benchmarks.md, "System benchmark").
 *
 * <p>At least once: a job's offset is committed only after the job ended, i.e. its verdict was acknowledged by Kafka
 * (or the job was parked), and only once every earlier job of its partition ended too ({@link PartitionOffsets}).
 * Commits go out every {@link #COMMIT_INTERVAL}, when a partition is revoked, and when the agent stops. A crash
 * redelivers the jobs after the last commit to the region's next agent; the coordinator stores one verdict per
 * check and region, whatever comes twice.
 *
 * <p>Threads: the consumer belongs to one platform thread, {@code jobs-consumer}, which polls, commits, pauses and
 * takes the rebalance callbacks; jobs tell it that they ended through a queue. Nothing else MAY touch the consumer,
 * except {@link KafkaConsumer#wakeup()} to stop it.
 */
@Singleton
public class JobConsumer {

    /** The client id, which names the consumer's Kafka client meters (its lag per partition among them). */
    static final String CLIENT_ID = "kafka-consumer-jobs-in";

    private static final Logger LOG = Logger.getLogger(JobConsumer.class);
    /** How long a poll waits for jobs; also how soon paused partitions resume. */
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    /** On stop, running jobs get this long to end and be committed; later ones are redelivered. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

    private final Map<String, Object> kafka;
    private final JobRecordHandler records;
    private final JobAssignment assignment;
    private final MeterRegistry registry;
    private final String topic;
    private final String group;
    private final int maxJobs;

    private final LinkedBlockingQueue<ConsumerRecord<String, String>> waiting = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> ended = new ConcurrentLinkedQueue<>();
    private final Semaphore runners;
    private final ExecutorService jobs = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("probe-job-", 0).factory());

    // The poll thread's own state.
    private final Map<TopicPartition, PartitionOffsets> offsets = new HashMap<>();
    private KafkaConsumer<String, String> consumer;
    private OffsetCommits commits;
    private KafkaClientMetrics clientMetrics;
    private Thread pollThread;
    private volatile boolean stopping;

    public JobConsumer(@Identifier(KafkaClientSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                       JobRecordHandler records, JobAssignment assignment, JobHandler handler, AgentConfig config,
                       MeterRegistry registry) {
        this.kafka = kafka;
        this.records = records;
        this.assignment = assignment;
        this.registry = registry;
        this.topic = Topics.jobs(handler.region());
        this.group = Topics.agentGroup(handler.region());
        this.maxJobs = config.agent().maxJobs();
        this.runners = new Semaphore(maxJobs);
    }

    void start(@Observes StartupEvent startup) {
        consumer = new KafkaConsumer<>(KafkaClientSettings.of(kafka, ConsumerConfig.configNames(), Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // A peer that dies without leaving the group (kill -9, a lost host) holds its partitions until its
                // session times out; at Kafka's default 45 s its jobs would outlive their deadline (timeout x waves
                // + 30 s grace) instead of being taken over by the region's other agents.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000,
                // The coordinator raises a region's partition count when it finds fewer than configured; the group
                // notices new partitions only when its metadata is refreshed, by default every 5 minutes.
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000)));
        commits = new OffsetCommits(consumer, topic, partition -> {
            PartitionOffsets progress = offsets.get(partition);
            return progress == null ? -1 : progress.committable();
        }, COMMIT_TIMEOUT);
        clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(registry);
        pollThread = Thread.ofPlatform().name("jobs-consumer").daemon(true).start(this::pollLoop);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        stopping = true;
        if (consumer != null) {
            consumer.wakeup();
            pollThread.join(STOP_GRACE.plus(COMMIT_TIMEOUT).plus(COMMIT_TIMEOUT).toMillis());
        }
        jobs.shutdown();
    }

    private void pollLoop() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            long lastCommit = System.nanoTime();
            while (!stopping) {
                try {
                    for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                        offsets.computeIfAbsent(partition(record), p -> new PartitionOffsets()).taken(record.offset());
                        waiting.add(record);
                    }
                    startRunners();
                    settleEnded();
                    if (waiting.size() >= maxJobs) {
                        consumer.pause(consumer.assignment());
                    } else if (!consumer.paused().isEmpty()) {
                        consumer.resume(consumer.paused());
                    }
                    if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
                        commits.commitAsync(offsets.keySet());
                        lastCommit = System.nanoTime();
                    }
                } catch (WakeupException e) {
                    // stop() woke the poll; the loop's condition ends it.
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Consuming %s failed; polling again in %d ms", topic, AFTER_FAILURE.toMillis());
                    Thread.sleep(AFTER_FAILURE);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeConsumer();
        }
    }

    /** Jobs not started are left for redelivery; running ones get {@link #STOP_GRACE}; what ended is committed. */
    private void closeConsumer() {
        waiting.clear();
        try {
            // Every runner holds a permit until it ends: all of them back means no job runs any more.
            runners.tryAcquire(maxJobs, STOP_GRACE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        settleEnded();
        commits.commitOnStop(offsets.keySet());
        try {
            consumer.close(COMMIT_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("Closing the consumer of %s: %s", topic, e.getMessage());
        }
        clientMetrics.close();
    }

    private void startRunners() {
        while (!stopping && !waiting.isEmpty() && runners.tryAcquire()) {
            jobs.execute(this::runWaitingJobs);
        }
    }

    /** One of at most {@code maxJobs} runners: takes waiting jobs in order until none is left. */
    private void runWaitingJobs() {
        try {
            ConsumerRecord<String, String> record;
            while (!stopping && (record = waiting.poll()) != null) {
                try {
                    records.onJob(record);
                    ended.add(record);
                } catch (ProberClosedException e) {
                    // The agent is stopping: not committed, the job goes to the region's next agent.
                    return;
                } catch (RuntimeException e) {
                    // Committed all the same: holding the partition's commit back for good would redeliver every
                    // later job after a restart. The coordinator's deadline ends the region.
                    LOG.errorf(e, "Job at %s-%d@%d failed unanswered", record.topic(), record.partition(),
                            record.offset());
                    ended.add(record);
                }
            }
        } finally {
            runners.release();
            if (!waiting.isEmpty()) {
                startRunners();
            }
        }
    }

    private void settleEnded() {
        ConsumerRecord<String, String> record;
        while ((record = ended.poll()) != null) {
            PartitionOffsets partition = offsets.get(partition(record));
            if (partition != null) {
                partition.finished(record.offset());
            }
        }
    }

    private static TopicPartition partition(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }

    /** Runs on the poll thread, within {@link KafkaConsumer#poll}. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assignment.assigned(partitions);
        }

        /** What ended is committed before another agent takes the partitions; what waits is left to it. */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assignment.revoked(partitions);
            waiting.removeIf(record -> partitions.contains(partition(record)));
            settleEnded();
            try {
                commits.commitSync(partitions);
            } catch (RuntimeException e) {
                LOG.warnf("Committing the ended jobs of revoked partitions %s failed; they will be redelivered: %s",
                        partitions, e.getMessage());
            }
            forget(partitions);
        }

        /** Already someone else's: nothing may be committed any more. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            assignment.revoked(partitions);
            waiting.removeIf(record -> partitions.contains(partition(record)));
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(offsets::remove);
            commits.forget(partitions);
        }
    }
}
