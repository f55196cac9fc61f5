package dev.parallax.agent.job;

import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.WireJson;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Consumes this region's jobs and publishes one verdict per job. */
@ApplicationScoped
public class JobListener {

    public static final String JOBS = "jobs-in";
    public static final String VERDICTS = "verdicts-out";

    private static final Logger LOG = Logger.getLogger(JobListener.class);
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(1);

    private final JobHandler handler;
    private final MutinyEmitter<String> verdicts;

    public JobListener(JobHandler handler, @Channel(VERDICTS) MutinyEmitter<String> verdicts) {
        this.handler = handler;
        this.verdicts = verdicts;
    }

    /**
     * Blocking, on the {@code probe-jobs} pool, unordered: DNS is blocking and a job waits for its probes,
     * while other jobs proceed. The job's offset is committed only after this returns, and this returns only
     * after Kafka acknowledged the verdict (or the job's deadline passed, when the coordinator has ended the
     * region anyway): a crash in between redelivers the job, never loses it.
     *
     * <p>It throws only while the agent stops, so that the job is not committed and goes to the next agent
     * of the region; any other failure becomes a FAILED verdict, because a nacked record would stop the
     * channel.
     */
    @Incoming(JOBS)
    @Blocking(value = "probe-jobs", ordered = false)
    public void onJob(String payload) {
        ProbeJob job;
        try {
            job = WireJson.read(payload, ProbeJob.class);
        } catch (ContractViolationException e) {
            // Without a valid check id there is nobody to answer; the coordinator's deadline ends the region.
            LOG.warnf("Skipping a job that breaks the contract: %s", e.getMessage());
            return;
        }
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
        publish(job, verdict.get());
    }

    private void publish(ProbeJob job, ProbeVerdict verdict) {
        String json = WireJson.write(verdict);
        while (true) {
            try {
                verdicts.sendMessageAndAwait(Message.of(json).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(job.checkId().toString())
                        .build()));
                LOG.infof("Check %s: %s %s, %d port verdicts, in %d ms", job.checkId(), job.target(),
                        verdict.status(), verdict.ports().size(),
                        Duration.between(verdict.startedAt(), verdict.finishedAt()).toMillis());
                return;
            } catch (RuntimeException e) {
                if (job.isExpiredAt(Instant.now())) {
                    LOG.errorf("Check %s: verdict not published before the job's deadline, given up: %s",
                            job.checkId(), e.getMessage());
                    return;
                }
                LOG.warnf("Check %s: publishing the verdict failed, retrying: %s", job.checkId(), e.getMessage());
                try {
                    Thread.sleep(PUBLISH_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ProberClosedException();
                }
            }
        }
    }
}
