package dev.parallax.agent.job;

import dev.parallax.common.contract.Topics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Parks jobs that can never be handled on the region's dead-letter topic ({@code parallax.jobs.<region>.dlq}),
 * with the headers SmallRye's own dead-letter queue uses: {@code dead-letter-reason}, {@code dead-letter-topic},
 * {@code dead-letter-partition}, {@code dead-letter-offset}. An operator finds there what was refused and why;
 * the job channel keeps flowing.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String CHANNEL = "jobs-dlq";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final MutinyEmitter<String> dlq;

    public DeadLetters(@Channel(CHANNEL) MutinyEmitter<String> dlq) {
        this.dlq = dlq;
    }

    /**
     * Publishes the record to the dead-letter topic and waits for Kafka's acknowledgement, so that the caller
     * commits the original only once its copy is safe. If the dead-letter topic cannot be written, the record is
     * logged in full instead: it is never silently lost, and the job channel never stops.
     */
    public void park(ConsumerRecord<String, String> record, String reason) {
        RecordHeaders headers = new RecordHeaders();
        Topics.deadLetterHeaders(reason, record.topic(), record.partition(), record.offset())
                .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        try {
            dlq.sendMessage(Message.of(record.value() == null ? "" : record.value())
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                    .withKey(record.key())
                                    .withHeaders(headers)
                                    .build()))
                    .await().atMost(SEND_TIMEOUT);
            LOG.warnf("Job at %s-%d@%d parked on the dead-letter topic: %s", record.topic(), record.partition(),
                    record.offset(), reason);
        } catch (RuntimeException e) {
            LOG.errorf("Job at %s-%d@%d breaks the contract (%s) and could not be parked (%s); its payload: %s",
                    record.topic(), record.partition(), record.offset(), reason, e.getMessage(), record.value());
        }
    }
}
