package dev.parallax.common.kafka;

import dev.parallax.common.contract.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/** The copy of a record that breaks the contract, as the agent and the coordinator park it. */
public final class DeadLetterRecord {

    private DeadLetterRecord() {
    }

    /**
     * {@code original}'s key and value (an empty value for none) for {@code deadLetterTopic}, with the headers of
     * {@link Topics#deadLetterHeaders}: why it was parked and where it came from.
     */
    public static ProducerRecord<String, String> of(ConsumerRecord<String, String> original, String deadLetterTopic,
                                                    String reason) {
        RecordHeaders headers = new RecordHeaders();
        Topics.deadLetterHeaders(reason, original.topic(), original.partition(), original.offset())
                .forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(deadLetterTopic, null, original.key(),
                original.value() == null ? "" : original.value(), headers);
    }
}
