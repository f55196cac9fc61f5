package dev.parallax.coordinator.result;

import dev.parallax.common.contract.Topics;
import dev.parallax.common.kafka.DeadLetterRecord;
import dev.parallax.coordinator.kafka.CoordinatorProducer;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

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
        try {
            producer.sendAndAwait(DeadLetterRecord.of(record, Topics.VERDICTS_DEAD_LETTERS, reason), SEND_TIMEOUT);
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
