package dev.parallax.coordinator.result;

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
 * Parks verdicts that break the contract on {@value Topics#VERDICTS_DEAD_LETTERS}, with the headers of SmallRye's
 * dead-letter queue ({@code dead-letter-reason}, {@code -topic}, {@code -partition}, {@code -offset}), so that the
 * verdict channel keeps flowing and an operator can still see what was refused and why.
 *
 * <p>MUST be called outside any transaction: the send is awaited, and a transaction context propagated into
 * Kafka's callback threads would outlive its request.
 */
@ApplicationScoped
public class VerdictDeadLetters {

    public static final String CHANNEL = "verdicts-dlq";

    private static final Logger LOG = Logger.getLogger(VerdictDeadLetters.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final MutinyEmitter<String> dlq;

    public VerdictDeadLetters(@Channel(CHANNEL) MutinyEmitter<String> dlq) {
        this.dlq = dlq;
    }

    /**
     * Publishes the record to the dead-letter topic and waits for the broker's acknowledgement, so that the
     * original is committed only once its copy is safe; if that fails, the record is logged in full instead.
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
            LOG.warnf("Verdict at %s-%d@%d parked on %s: %s", record.topic(), record.partition(), record.offset(),
                    Topics.VERDICTS_DEAD_LETTERS, reason);
        } catch (RuntimeException e) {
            LOG.errorf("Verdict at %s-%d@%d breaks the contract (%s) and could not be parked (%s); its payload: %s",
                    record.topic(), record.partition(), record.offset(), reason, e.getMessage(), record.value());
        }
    }
}
