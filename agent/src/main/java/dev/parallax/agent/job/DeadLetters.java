package dev.parallax.agent.job;

import dev.parallax.agent.kafka.AgentProducer;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.kafka.DeadLetterRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Parks jobs that can never be handled on their topic's dead-letter topic ({@code parallax.jobs.<region>.dlq}),
 * with the headers SmallRye's own dead-letter queue uses: {@code dead-letter-reason}, {@code dead-letter-topic},
 * {@code dead-letter-partition}, {@code dead-letter-offset}. An operator finds there what was refused and why;
 * the jobs keep flowing.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final AgentProducer producer;

    public DeadLetters(AgentProducer producer) {
        this.producer = producer;
    }

    /**
     * Publishes the record to the dead-letter topic and waits for Kafka's acknowledgement, so that the caller
     * commits the original only once its copy is safe. If the dead-letter topic cannot be written, the record is
     * logged in full instead: it is never silently lost, and the jobs never stop.
     */
    public void park(ConsumerRecord<String, String> record, String reason) {
        String failure;
        try {
            producer.sendAndAwait(DeadLetterRecord.of(record, record.topic() + Topics.DEAD_LETTERS_SUFFIX, reason),
                    SEND_TIMEOUT);
            LOG.warnf("Job at %s-%d@%d parked on the dead-letter topic: %s", record.topic(), record.partition(),
                    record.offset(), reason);
            return;
        } catch (ExecutionException e) {
            failure = String.valueOf(e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            failure = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
        LOG.errorf("Job at %s-%d@%d breaks the contract (%s) and could not be parked (%s); its payload: %s",
                record.topic(), record.partition(), record.offset(), reason, failure, record.value());
    }
}
