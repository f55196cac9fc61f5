package dev.parallax.agent.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.agent.config.AgentConfig;
import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.kafka.ChannelProducer;
import dev.parallax.common.kafka.ConsumerSettings;
import dev.parallax.common.kafka.DeadLetters;
import dev.parallax.common.kafka.TopicConsumer;
import dev.parallax.common.logging.CheckLogContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * This region's jobs ({@code parallax.jobs.<region>}, group {@code parallax-agent-<region>}): read each with a plain
 * Kafka consumer ({@link TopicConsumer}, record by record), have {@link JobHandler} answer it on a virtual thread of
 * its own, at most {@code parallax.agent.max-jobs} at once, and publish the verdict ({@link VerdictPublisher}).
 * Through the connector each job crossed its polling thread, an event loop and a virtual thread, which cost the agent
 * about half again its CPU per job (docs/benchmarks.md, "The two consumers").
 *
 * <p>At least once: a job's offset is committed only once the job ended (its verdict acknowledged by Kafka, or the
 * job parked) and every earlier job of its partition ended too. A crash redelivers the jobs after the last commit to
 * the region's next agent; the coordinator stores one verdict per check and region, whatever comes twice.
 */
@Singleton
public class JobListener {

    /** The channel whose producer parks broken jobs on the region's dead-letter topic. */
    public static final String DEAD_LETTERS = "dead-letters";

    private static final Logger LOG = Logger.getLogger(JobListener.class);

    /** How long a FAILED verdict for a broken job is retried: such a job has no deadline we could trust. */
    private static final Duration PUBLISH_WINDOW = Duration.ofMinutes(1);
    /** On stop, running jobs get this long to end and be committed; later ones are redelivered. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    private static final ObjectMapper TREE_READER = new ObjectMapper();
    /**
     * A peer that dies without leaving the group (kill -9, a lost host) holds its partitions until its session times
     * out; at Kafka's default 45 s its jobs would outlive their deadline (timeout x waves + 30 s grace) instead of
     * going to the region's other agents. The coordinator raises a region's partition count when it finds fewer than
     * configured; the group notices new partitions only when its metadata is refreshed, by default every 5 minutes.
     */
    private static final Map<String, Object> CONSUMER = Map.of(
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000,
            ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000);

    private final JobHandler handler;
    private final VerdictPublisher verdicts;
    private final JobMetrics metrics;
    private final DeadLetters deadLetters;
    private final TopicConsumer consumer;

    /**
     * @param deadLetterChannel never sent through: it declares the {@value #DEAD_LETTERS} channel, so that the
     *                          connector builds the channel's producer, which {@link DeadLetters} sends with
     */
    public JobListener(JobHandler handler, VerdictPublisher verdicts, JobMetrics metrics, AgentConfig agentConfig,
                       @Identifier(ConsumerSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                       MeterRegistry registry, @Channel(DEAD_LETTERS) MutinyEmitter<String> deadLetterChannel,
                       @ConfigProperty(name = "mp.messaging.outgoing.dead-letters.topic") String deadLetterTopic,
                       KafkaClientService clients) {
        this.handler = handler;
        this.verdicts = verdicts;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters("Job", new ChannelProducer(DEAD_LETTERS, () -> {
            KafkaProducer<String, String> producer = clients.getProducer(DEAD_LETTERS);
            return producer == null ? null : producer.unwrap();
        }), deadLetterTopic);
        int maxJobs = agentConfig.agent().maxJobs();
        Map<String, Object> own = new HashMap<>(CONSUMER);
        own.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.agentGroup(handler.region()));
        own.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxJobs);
        this.consumer = TopicConsumer.recordByRecord("kafka-consumer-jobs",
                ConsumerSettings.of(kafka, Topics.jobs(handler.region()), own), maxJobs, this::onJob, registry);
    }

    void start(@Observes StartupEvent startup) {
        consumer.start();
    }

    /** Before the channels close: running jobs can still publish their verdicts. */
    void stop(@Observes @Priority(1) ShutdownEvent shutdown) throws InterruptedException {
        consumer.stop(STOP_GRACE);
    }

    /** What the health checks report. */
    public TopicConsumer consumer() {
        return consumer;
    }

    /**
     * Runs on the job's own virtual thread and blocks: DNS is blocking and a job waits for its probes, while other
     * jobs proceed. Returns once Kafka acknowledged the verdict (or the job's deadline passed, when the coordinator
     * has ended the region anyway): a crash in between redelivers the job, never loses it.
     *
     * <p>While the agent stops ({@link ProberClosedException}) the job is left undone, so that it goes to the
     * region's next agent; any other failure becomes a FAILED verdict. A job that breaks the contract is answered
     * FAILED if it still names a check of this region, and parked on the region's dead-letter topic
     * ({@code parallax.jobs.<region>.dlq}) with the reason in the {@code dead-letter-reason} header.
     *
     * @return whether the job is done with
     */
    boolean onJob(ConsumerRecord<String, String> record) {
        ProbeJob job;
        try {
            job = WireJson.read(record.value(), ProbeJob.class);
        } catch (ContractViolationException e) {
            return park(record, e);
        }
        // Every line logged while this job runs carries its check id and region (JSON logs: fields of their own).
        metrics.started();
        try (CheckLogContext logContext = CheckLogContext.of(job.checkId(), job.region())) {
            answer(job);
            return true;
        } catch (ProberClosedException e) {
            return false;
        } finally {
            metrics.ended();
        }
    }

    private void answer(ProbeJob job) {
        Optional<ProbeVerdict> verdict;
        try {
            verdict = handler.handle(job);
        } catch (ProberClosedException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Check %s: job failed", job.checkId());
            verdict = Optional.of(handler.failed(job, e));
        }
        if (verdict.isEmpty()) {
            LOG.warnf("Check %s: job for region %s reached agent %s of region %s; left unanswered", job.checkId(),
                    job.region(), handler.agentId(), handler.region());
            return;
        }
        verdicts.publish(job.checkId(), job.deadline(), verdict.get());
    }

    /**
     * Answers a broken job FAILED if it still names a check of this region (otherwise the coordinator's deadline ends
     * it), then parks it. If the dead-letter topic cannot be written, the record is logged in full and done with: it
     * is never silently lost, and the jobs never stop.
     */
    private boolean park(ConsumerRecord<String, String> record, ContractViolationException violation) {
        try {
            namedCheck(record.value()).ifPresent(checkId -> {
                try (CheckLogContext logContext = CheckLogContext.of(checkId, handler.region())) {
                    verdicts.publish(checkId, Instant.now().plus(PUBLISH_WINDOW),
                            handler.brokenJob(checkId, violation.getMessage()));
                }
            });
        } catch (ProberClosedException e) {
            return false;
        }
        return deadLetters.park(record, violation);
    }

    /** The check id of a broken job of this agent's region, if its JSON still says which one. */
    private Optional<UUID> namedCheck(String payload) {
        try {
            JsonNode tree = TREE_READER.readTree(payload == null ? "" : payload);
            if (tree == null || !tree.path("region").asText("").equals(handler.region())) {
                return Optional.empty();
            }
            return Optional.of(UUID.fromString(tree.path("checkId").asText("")));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
