package dev.parallax.common.kafka;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A messaging channel's own Kafka producer, used directly: records are sent on the calling thread and their
 * acknowledgements are plain futures.
 *
 * <p>For the two senders that wait for every acknowledgement, the outbox relay and the agent's verdicts, the
 * connector's emitter costs what this does not (docs/benchmarks.md, "The Kafka connector against the plain
 * clients"): it hands each record to the channel's one sending thread and completes on another, and it carries the
 * caller's context, JTA transaction included, to the thread that completes the send, where the relay's transaction
 * was found ended under it at commit. The producer is the channel's, so its settings, TLS and SASL included, stay the
 * channel's configuration; it is looked up at the first send because the connector builds it after the beans that
 * send.
 */
public final class ChannelProducer {

    private final String channel;
    private final Supplier<? extends Producer<String, String>> channelProducer;
    private volatile Producer<String, String> producer;

    /**
     * @param channelProducer the channel's producer, or null while the channel has none
     */
    public ChannelProducer(String channel, Supplier<? extends Producer<String, String>> channelProducer) {
        this.channel = channel;
        this.channelProducer = channelProducer;
    }

    /**
     * Sends without waiting: the future completes once Kafka acknowledged the record or refused it. While the
     * producer has no metadata for the topic this blocks, up to the channel's {@code max.block.ms}, and then returns
     * a future failed with Kafka's {@code TimeoutException}.
     *
     * @throws ProducerClosedException when the producer is closed: the app is stopping (a close while this send
     *                                 waits for metadata surfaces as Kafka's {@code KafkaException} instead)
     * @throws org.apache.kafka.common.errors.InterruptException when interrupted while waiting for metadata
     */
    public Future<RecordMetadata> send(String topic, String key, String value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    /** {@link #send(String, String, String)} for a record of its own (with headers, say). */
    public Future<RecordMetadata> send(ProducerRecord<String, String> record) {
        try {
            return producer().send(record);
        } catch (IllegalStateException e) {
            throw new ProducerClosedException(channel, e);
        }
    }

    /**
     * Sends and blocks until Kafka acknowledged the record.
     *
     * @throws ExecutionException      when Kafka did not acknowledge it (its cause says why); the send may be retried
     * @throws InterruptedException    when interrupted while waiting
     * @throws ProducerClosedException when the producer is closed: the app is stopping
     */
    public void sendAndAwait(String topic, String key, String value) throws ExecutionException, InterruptedException {
        send(topic, key, value).get();
    }

    private Producer<String, String> producer() {
        Producer<String, String> known = producer;
        if (known == null) {
            known = channelProducer.get();
            if (known == null) {
                throw new ProducerClosedException(channel, null);
            }
            producer = known;
        }
        return known;
    }

    /** The producer is closed, or was never opened: only an app that stops, or never started, has none. */
    public static final class ProducerClosedException extends RuntimeException {
        ProducerClosedException(String channel, Throwable cause) {
            super("The producer of channel " + channel + " is closed", cause);
        }
    }
}
