package dev.parallax.common.kafka;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Sends a record with the plain Kafka producer on the calling thread and blocks until the broker acknowledged it.
 *
 * <p>For a caller that waits for each acknowledgement anyway, the messaging connector's emitter adds two thread hops
 * (to the channel's one sending thread, and back to complete the caller's future) that cost more latency at p99 and
 * CPU per record than the bound set for the connector (docs/benchmarks.md, "The Kafka connector against the plain
 * clients"). The producer is the channel's own, so its settings, TLS and SASL included, stay the channel's
 * configuration; it is looked up at the first send because the connector builds it after the beans that send.
 */
public final class AcknowledgedSend {

    private final String topic;
    private final Supplier<? extends Producer<String, String>> channelProducer;
    private volatile Producer<String, String> producer;

    public AcknowledgedSend(String topic, Supplier<? extends Producer<String, String>> channelProducer) {
        this.topic = topic;
        this.channelProducer = channelProducer;
    }

    /**
     * @throws ExecutionException  when Kafka did not acknowledge the record (its cause says why); the send may be
     *                             retried
     * @throws InterruptedException when interrupted while waiting
     * @throws ProducerClosedException when the producer is closed: the app is stopping
     */
    public void send(String key, String value) throws ExecutionException, InterruptedException {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get();
        } catch (IllegalStateException e) {
            throw new ProducerClosedException(topic, e);
        }
    }

    private Producer<String, String> producer() {
        Producer<String, String> known = producer;
        if (known == null) {
            known = channelProducer.get();
            if (known == null) {
                throw new ProducerClosedException(topic, null);
            }
            producer = known;
        }
        return known;
    }

    /** The producer is closed, or was never opened: only an app that stops (or never started) has none. */
    public static final class ProducerClosedException extends RuntimeException {
        ProducerClosedException(String topic, Throwable cause) {
            super("The producer for " + topic + " is closed", cause);
        }
    }
}
