package dev.parallax.coordinator.result;

import dev.parallax.common.contract.Topics;
import dev.parallax.coordinator.kafka.CoordinatorProducer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Parks verdicts that break the contract on {@value Topics#VERDICTS_DEAD_LETTERS}, with the headers of SmallRye's
 * dead-letter queue ({@code dead-letter-reason}, {@code -topic}, {@code -partition}, {@code -offset}), so that the
 * verdicts keep flowing and an operator can still see what was refused and why.
 */
@ApplicationScoped
public class VerdictDeadLetters {

    private static final Logger LOG = Logger.getLogger(VerdictDeadLetters.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final CoordinatorProducer producer;

    public VerdictDeadLetters(CoordinatorProducer producer) {
        this.producer = producer;
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
            producer.sendAndAwait(new ProducerRecord<>(Topics.VERDICTS_DEAD_LETTERS, null, record.key(),
                    record.value() == null ? "" : record.value(), headers), SEND_TIMEOUT);
            LOG.warnf("Verdict at %s-%d@%d parked on %s: %s", record.topic(), record.partition(), record.offset(),
                    Topics.VERDICTS_DEAD_LETTERS, reason);
        } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable why = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.errorf("Verdict at %s-%d@%d breaks the contract (%s) and could not be parked (%s); its payload: %s",
                    record.topic(), record.partition(), record.offset(), reason, why, record.value());
        }
    }
}
