package dev.parallax.agent.job;

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

/** Consumes this region's jobs and publishes one verdict per job. */
@ApplicationScoped
public class JobListener {

    public static final String JOBS = "jobs-in";
    public static final String VERDICTS = "verdicts-out";

    private static final Logger LOG = Logger.getLogger(JobListener.class);

    private final JobHandler handler;
    private final MutinyEmitter<String> verdicts;

    public JobListener(JobHandler handler, @Channel(VERDICTS) MutinyEmitter<String> verdicts) {
        this.handler = handler;
        this.verdicts = verdicts;
    }

    /**
     * Blocking, on the {@code probe-jobs} pool, unordered: DNS is blocking and a job waits for its probes,
     * while other jobs proceed. The job's offset is committed only after this returns, and this returns only
     * after Kafka acknowledged the verdict (bounded by the producer's delivery.timeout.ms): a crash in between redelivers the job, never loses it.
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
        ProbeVerdict verdict = handler.handle(job);
        verdicts.sendMessageAndAwait(Message.of(WireJson.write(verdict))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(job.checkId().toString())
                        .build()));
        LOG.infof("Check %s: %s %s, %d port verdicts, in %d ms", job.checkId(), job.target(), verdict.status(),
                verdict.ports().size(), Duration.between(verdict.startedAt(), verdict.finishedAt()).toMillis());
    }
}
