package dev.parallax.common.kafka;

import dev.parallax.common.contract.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

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

    private final ChannelProducer producer;
    private final String topic;

    public DeadLetters(ChannelProducer producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /**
     * Sends the copy and waits until Kafka acknowledged it.
     *
     * @throws ExecutionException   when Kafka refused it
     * @throws TimeoutException     when Kafka did not answer within 30 s
     * @throws InterruptedException when interrupted while waiting
     * @throws ChannelProducer.ProducerClosedException when the producer is closed: the app is stopping
     */
    public void park(ConsumerRecord<String, String> record, Throwable reason)
            throws ExecutionException, InterruptedException, TimeoutException {
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
        producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers))
                .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
