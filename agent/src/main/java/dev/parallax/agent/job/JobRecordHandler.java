package dev.parallax.agent.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.agent.kafka.AgentProducer;
import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.logging.CheckLogContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * One job record of this region, from {@link JobConsumer}: read it, have {@link JobHandler} answer it, publish the
 * verdict.
 */
@ApplicationScoped
public class JobRecordHandler {

    private static final Logger LOG = Logger.getLogger(JobRecordHandler.class);
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(1);

    /** How long a FAILED verdict for a broken job is retried: such a job has no deadline we could trust. */
    private static final Duration PUBLISH_WINDOW = Duration.ofMinutes(1);
    private static final ObjectMapper TREE_READER = new ObjectMapper();

    private final JobHandler handler;
    private final AgentProducer producer;
    private final DeadLetters deadLetters;
    private final JobMetrics metrics;

    public JobRecordHandler(JobHandler handler, AgentProducer producer, DeadLetters deadLetters,
                            JobMetrics metrics) {
        this.handler = handler;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /**
     * Runs on a job's own (virtual) thread and blocks: DNS is blocking and a job waits for its probes, while other
     * jobs proceed. It returns only after Kafka acknowledged the verdict (or the job's deadline passed, when the
     * coordinator has ended the region anyway), and only then is the job's offset committed: a crash in between
     * redelivers the job, never loses it.
     *
     * <p>It throws only while the agent stops ({@link ProberClosedException}), so that the job is not committed and
     * goes to the next agent of the region; any other failure becomes a FAILED verdict. A job that breaks the
     * contract is parked on the dead-letter topic ({@link DeadLetters}) and, if it still names a check of this
     * region, answered FAILED.
     */
    public void onJob(ConsumerRecord<String, String> record) {
        ProbeJob job;
        try {
            job = WireJson.read(record.value(), ProbeJob.class);
        } catch (ContractViolationException e) {
            deadLetters.park(record, e.getMessage());
            // If it still names a check of this region, say so now; otherwise the coordinator's deadline ends it.
            namedCheck(record.value()).ifPresent(checkId -> {
                try (CheckLogContext logContext = CheckLogContext.of(checkId, handler.region())) {
                    publish(checkId, Instant.now().plus(PUBLISH_WINDOW), handler.brokenJob(checkId, e.getMessage()));
                }
            });
            return;
        }
        // Every line logged while this job runs carries its check id and region (JSON logs: fields of their own).
        metrics.started();
        try (CheckLogContext logContext = CheckLogContext.of(job.checkId(), job.region())) {
            answer(job);
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
        publish(job.checkId(), job.deadline(), verdict.get());
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

    private void publish(UUID checkId, Instant deadline, ProbeVerdict verdict) {
        String json = WireJson.write(verdict);
        while (true) {
            String failure;
            try {
                producer.sendAndAwait(new ProducerRecord<>(Topics.VERDICTS, checkId.toString(), json));
                metrics.published(verdict);
                LOG.infof("Check %s: %s, %d port verdicts, in %d ms", checkId, verdict.status(),
                        verdict.ports().size(), Duration.between(verdict.startedAt(), verdict.finishedAt()).toMillis());
                return;
            } catch (ExecutionException e) {
                failure = String.valueOf(e.getCause());
            } catch (RuntimeException e) {
                failure = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProberClosedException();
            }
            if (!Instant.now().isBefore(deadline)) {
                LOG.errorf("Check %s: verdict not published before the job's deadline, given up: %s", checkId,
                        failure);
                return;
            }
            LOG.warnf("Check %s: publishing the verdict failed, retrying: %s", checkId, failure);
            try {
                Thread.sleep(PUBLISH_RETRY);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new ProberClosedException();
            }
        }
    }
}
