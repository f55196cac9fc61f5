package dev.parallax.common.kafka;

import dev.parallax.common.contract.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Parks records that break the contract on a dead-letter topic, sent with a channel's producer: a copy of the
 * record, with the headers the SmallRye connector's {@code dead-letter-queue} failure strategy writes (why, and
 * where it came from), so that one tool reads every dead-letter topic of the system alike.
 */
public final class DeadLetters {

    public static final String EXCEPTION_CLASS_NAME = "dead-letter-exception-class-name";
    public static final String CAUSE = "dead-letter-cause";
    public static final String CAUSE_CLASS_NAME = "dead-letter-cause-class-name";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final String what;
    private final ChannelProducer producer;
    private final String topic;

    /**
     * @param what what the records are, for the log ("Job", "Verdict")
     */
    public DeadLetters(String what, ChannelProducer producer, String topic) {
        this.what = what;
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * Sends the copy and waits until Kafka acknowledged it. If it cannot be written, the record is logged in full
     * instead: never silently lost, and the records behind it keep flowing.
     *
     * @return false when the app is stopping (the producer is closed, or the thread was interrupted): the record is
     * left undone, for the group's next consumer
     */
    public boolean park(ConsumerRecord<String, String> record, Throwable reason) {
        String position = record.topic() + "-" + record.partition() + "@" + record.offset();
        try {
            producer.send(copy(record, reason)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.warnf("%s at %s parked on %s: %s", what, position, topic, reason.getMessage());
        } catch (ChannelProducer.ProducerClosedException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.errorf("%s at %s breaks the contract (%s) and could not be parked (%s); its payload: %s", what,
                    position, reason.getMessage(), e instanceof ExecutionException ? e.getCause() : e,
                    record.value());
        }
        return true;
    }

    private ProducerRecord<String, String> copy(ConsumerRecord<String, String> record, Throwable reason) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, Topics.DEAD_LETTER_REASON, reason.getMessage());
        header(headers, EXCEPTION_CLASS_NAME, reason.getClass().getName());
        if (reason.getCause() != null) {
            header(headers, CAUSE, reason.getCause().getMessage());
            header(headers, CAUSE_CLASS_NAME, reason.getCause().getClass().getName());
        }
        header(headers, TOPIC, record.topic());
        header(headers, PARTITION, Integer.toString(record.partition()));
        header(headers, OFFSET, Long.toString(record.offset()));
        return new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
