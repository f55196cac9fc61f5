package dev.parallax.common.kafka;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelProducerTest {

    private final MockProducer<String, String> producer =
            new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());

    @Test
    void aRecordGoesToTheTopicWithItsKeyAndReturnsOnceAcknowledged() throws Exception {
        new ChannelProducer("verdicts", () -> producer)
                .sendAndAwait("parallax.verdicts", "check-1", "{\"status\":\"DONE\"}");

        assertThat(producer.history()).as("records the producer sent").singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("parallax.verdicts");
            assertThat(record.key()).isEqualTo("check-1");
            assertThat(record.value()).isEqualTo("{\"status\":\"DONE\"}");
        });
    }

    @Test
    void aRefusalByKafkaIsReportedWithItsCauseSoThatTheCallerCanRetry() throws Exception {
        MockProducer<String, String> refusing =
                new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
        ChannelProducer send = new ChannelProducer("verdicts", () -> refusing);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                send.sendAndAwait("parallax.verdicts", "check-1", "{}");
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (refusing.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }

        assertThat(refusing.errorNext(new NotEnoughReplicasException("2 of 3 in sync")))
                .as("a send waiting for Kafka's answer").isTrue();
        assertThat(outcome.get(10, TimeUnit.SECONDS))
                .as("what the waiting send threw")
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NotEnoughReplicasException.class);
    }

    @Test
    void aClosedProducerSaysTheAppIsStoppingRatherThanAFailureToRetry() {
        producer.close();
        ChannelProducer closed = new ChannelProducer("verdicts", () -> producer);

        assertThatThrownBy(() -> closed.send("parallax.verdicts", "check-1", "{}"))
                .isInstanceOf(ChannelProducer.ProducerClosedException.class)
                .hasMessageContaining("channel verdicts");
    }

    @Test
    void aChannelWithoutAProducerYetIsTreatedAsClosed() {
        ChannelProducer withoutProducer = new ChannelProducer("verdicts", () -> null);

        assertThatThrownBy(() -> withoutProducer.send("parallax.verdicts", "check-1", "{}"))
                .isInstanceOf(ChannelProducer.ProducerClosedException.class);
    }
}
