package dev.parallax.agent.job;

import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.WireJson;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Publishes verdicts on the {@value #VERDICTS} channel ({@code parallax.verdicts}, keyed by check id) and waits for
 * Kafka's acknowledgement ({@code acks=all}, idempotent, no linger: see the channel's settings).
 */
@ApplicationScoped
public class VerdictPublisher {

    /** The channel verdicts leave by. */
    public static final String VERDICTS = "verdicts";

    private static final Logger LOG = Logger.getLogger(VerdictPublisher.class);
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(1);

    private final MutinyEmitter<String> verdicts;
    private final JobMetrics metrics;

    public VerdictPublisher(@Channel(VERDICTS) MutinyEmitter<String> verdicts, JobMetrics metrics) {
        this.verdicts = verdicts;
        this.metrics = metrics;
    }

    /**
     * Blocks until Kafka acknowledged the verdict, retrying each second until {@code deadline}, after which the
     * coordinator has ended the region anyway and the verdict is given up (logged).
     *
     * @throws ProberClosedException when interrupted: the agent is stopping
     */
    public void publish(UUID checkId, Instant deadline, ProbeVerdict verdict) {
        String json = WireJson.write(verdict);
        while (true) {
            String failure;
            try {
                verdicts.sendMessageAndAwait(KafkaRecord.of(checkId.toString(), json));
                metrics.published(verdict);
                LOG.infof("Check %s: %s, %d port verdicts, in %d ms", checkId, verdict.status(),
                        verdict.ports().size(), Duration.between(verdict.startedAt(), verdict.finishedAt()).toMillis());
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new ProberClosedException();
                }
                failure = e.getCause() == null ? e.toString() : e.getCause().toString();
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
