package dev.parallax.agent.job;

import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.kafka.ChannelProducer;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.errors.InterruptException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Publishes verdicts on the {@value #VERDICTS} channel ({@code parallax.verdicts}, keyed by check id) and waits for
 * Kafka's acknowledgement ({@code acks=all}, idempotent, no linger: see the channel's settings).
 *
 * <p>The job's thread sends with the channel's producer itself ({@link ChannelProducer}) rather than through the
 * emitter, which would cross two more threads per verdict; the emitter is what declares the channel, so that the
 * connector builds its producer from the channel's configuration. While the broker is away a send waits for the
 * topic's metadata in {@code Object.wait}, which on JDK 21 holds the virtual thread's carrier (the JDK adds a carrier
 * meanwhile) and on JDK 24 and later does not.
 */
@ApplicationScoped
public class VerdictPublisher {

    /** The channel verdicts leave by. */
    public static final String VERDICTS = "verdicts";

    private static final Logger LOG = Logger.getLogger(VerdictPublisher.class);
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(1);

    private final ChannelProducer verdicts;
    private final String topic;
    private final JobMetrics metrics;

    public VerdictPublisher(@Channel(VERDICTS) MutinyEmitter<String> channel, KafkaClientService clients,
                            @ConfigProperty(name = "mp.messaging.outgoing.verdicts.topic") String topic,
                            JobMetrics metrics) {
        this.verdicts = new ChannelProducer(VERDICTS, () -> {
            KafkaProducer<String, String> producer = clients.getProducer(VERDICTS);
            return producer == null ? null : producer.unwrap();
        });
        this.topic = topic;
        this.metrics = metrics;
    }

    /**
     * Blocks until Kafka acknowledged the verdict, retrying each second until {@code deadline}, after which the
     * coordinator has ended the region anyway and the verdict is given up (logged).
     *
     * @throws ProberClosedException when interrupted or the channel's producer is closed: the agent is stopping
     */
    public void publish(UUID checkId, Instant deadline, ProbeVerdict verdict) {
        String json = WireJson.write(verdict);
        while (true) {
            String failure;
            try {
                verdicts.sendAndAwait(topic, checkId.toString(), json);
                metrics.published(verdict);
                LOG.infof("Check %s: %s, %d port verdicts, in %d ms", checkId, verdict.status(),
                        verdict.ports().size(), Duration.between(verdict.startedAt(), verdict.finishedAt()).toMillis());
                return;
            } catch (ExecutionException e) {
                failure = String.valueOf(e.getCause());
            } catch (InterruptedException | InterruptException e) {
                // Kafka's own InterruptException: interrupted while the send waited for the topic's metadata.
                Thread.currentThread().interrupt();
                throw new ProberClosedException();
            } catch (ChannelProducer.ProducerClosedException e) {
                throw new ProberClosedException();
            } catch (RuntimeException e) {
                failure = e.toString();
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
