package dev.parallax.agent.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.logging.CheckLogContext;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * This region's jobs, from the {@value #JOBS} channel ({@code parallax.jobs.<region>}, group
 * {@code parallax-agent-<region>}): read each, have {@link JobHandler} answer it, publish the verdict
 * ({@link VerdictPublisher}), then acknowledge the record.
 *
 * <p>At least once: the channel commits a job's offset only once it and every earlier job of its partition were
 * acknowledged (the connector's {@code throttled} commit strategy), i.e. their verdicts were acknowledged by Kafka
 * or the jobs were parked. A crash redelivers the jobs after the last commit to the region's next agent; the
 * coordinator stores one verdict per check and region, whatever comes twice.
 */
@ApplicationScoped
public class JobListener {

    /** The channel of this region's jobs. */
    public static final String JOBS = "jobs";

    private static final Logger LOG = Logger.getLogger(JobListener.class);

    /** How long a FAILED verdict for a broken job is retried: such a job has no deadline we could trust. */
    private static final Duration PUBLISH_WINDOW = Duration.ofMinutes(1);
    private static final ObjectMapper TREE_READER = new ObjectMapper();

    private final JobHandler handler;
    private final VerdictPublisher verdicts;
    private final JobMetrics metrics;

    public JobListener(JobHandler handler, VerdictPublisher verdicts, JobMetrics metrics) {
        this.handler = handler;
        this.verdicts = verdicts;
        this.metrics = metrics;
    }

    /**
     * Runs on a virtual thread of its own, at most {@code parallax.agent.max-jobs} at once, and blocks: DNS is
     * blocking and a job waits for its probes, while other jobs proceed. The record is acknowledged only after Kafka
     * acknowledged the verdict (or the job's deadline passed, when the coordinator has ended the region anyway): a
     * crash in between redelivers the job, never loses it.
     *
     * <p>While the agent stops ({@link ProberClosedException}) the record is left unacknowledged, so that it goes
     * to the region's next agent; any other failure becomes a FAILED verdict. A job that breaks the contract is
     * answered FAILED if it still names a check of this region, and parked on the region's dead-letter topic
     * ({@code parallax.jobs.<region>.dlq}) by the channel's {@code dead-letter-queue} failure strategy, with the
     * reason in the {@code dead-letter-reason} header.
     *
     * <p>Never fails the returned stage: a failed stage would end the channel's stream.
     */
    @Incoming(JOBS)
    @RunOnVirtualThread
    public CompletionStage<Void> onJob(KafkaRecord<String, String> record) {
        ProbeJob job;
        try {
            job = WireJson.read(record.getPayload(), ProbeJob.class);
        } catch (ContractViolationException e) {
            return park(record, e);
        }
        // Every line logged while this job runs carries its check id and region (JSON logs: fields of their own).
        metrics.started();
        try (CheckLogContext logContext = CheckLogContext.of(job.checkId(), job.region())) {
            answer(job);
        } catch (ProberClosedException e) {
            return CompletableFuture.completedFuture(null);
        } finally {
            metrics.ended();
        }
        return record.ack();
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
     * it), then parks it. If the dead-letter topic cannot be written, the record is logged in full and acknowledged:
     * it is never silently lost, and the jobs never stop.
     */
    private CompletionStage<Void> park(KafkaRecord<String, String> record, ContractViolationException violation) {
        try {
            namedCheck(record.getPayload()).ifPresent(checkId -> {
                try (CheckLogContext logContext = CheckLogContext.of(checkId, handler.region())) {
                    verdicts.publish(checkId, Instant.now().plus(PUBLISH_WINDOW),
                            handler.brokenJob(checkId, violation.getMessage()));
                }
            });
        } catch (ProberClosedException e) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            record.nack(violation).toCompletableFuture().get();
            LOG.warnf("Job at %s parked on the dead-letter topic: %s", position(record), violation.getMessage());
        } catch (ExecutionException e) {
            LOG.errorf("Job at %s breaks the contract (%s) and could not be parked (%s); its payload: %s",
                    position(record), violation.getMessage(), e.getCause(), record.getPayload());
            return record.ack();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** topic-partition@offset. */
    private static String position(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(incoming -> incoming.getTopic() + "-" + incoming.getPartition() + "@" + incoming.getOffset())
                .orElse(record.getTopic());
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
