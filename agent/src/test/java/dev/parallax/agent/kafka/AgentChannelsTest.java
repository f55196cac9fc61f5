package dev.parallax.agent.kafka;

import dev.parallax.common.contract.Heartbeat;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.targeting.PortSet;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's Kafka channels against a real broker: a job of its region comes in and its verdict goes out, a job that
 * breaks the contract is answered FAILED and parked with the reason, heartbeats go out, and readiness says which
 * partitions of the region's topic the agent holds.
 */
@QuarkusTest
@QuarkusTestResource(InJvmKafka.class)
class AgentChannelsTest {

    private static final String REGION = "test-region";
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/q/health/ready")
    URI readiness;

    @Test
    void aJobOfTheRegionIsAnsweredWithItsVerdict() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            UUID checkId = UUID.randomUUID();
            Instant now = Instant.now();
            ProbeJob job = new ProbeJob(checkId, REGION, "127.0.0.1", PortSet.of(open.getLocalPort()), 1_000, null,
                    now, now.plusSeconds(60));
            publish(Topics.jobs(REGION), checkId.toString(), WireJson.write(job));

            ProbeVerdict verdict = WireJson.read(firstRecord(Topics.VERDICTS, record -> record.key().equals(
                    checkId.toString())).value(), ProbeVerdict.class);
            assertThat(verdict.status()).as("status of the verdict for %s", checkId).isEqualTo(RegionStatus.DONE);
            assertThat(verdict.region()).isEqualTo(REGION);
            assertThat(verdict.agentId()).isEqualTo("test-agent");
            assertThat(verdict.ports()).as("port verdicts").singleElement()
                    .satisfies(port -> assertThat(port.state()).isEqualTo(PortState.OPEN));
        }
    }

    @Test
    void aJobThatBreaksTheContractIsAnsweredFailedAndParkedWithTheReason() {
        UUID checkId = UUID.randomUUID();
        String broken = "{\"checkId\":\"" + checkId + "\",\"region\":\"" + REGION + "\",\"ports\":\"none\"}";
        publish(Topics.jobs(REGION), checkId.toString(), broken);

        ProbeVerdict verdict = WireJson.read(firstRecord(Topics.VERDICTS, record -> record.key().equals(
                checkId.toString())).value(), ProbeVerdict.class);
        assertThat(verdict.status()).as("status of the answer to a broken job").isEqualTo(RegionStatus.FAILED);
        assertThat(verdict.message()).as("message of the answer to a broken job")
                .startsWith("job breaks the contract");

        ConsumerRecord<String, String> parked = firstRecord(Topics.jobs(REGION) + Topics.DEAD_LETTERS_SUFFIX,
                record -> checkId.toString().equals(record.key()));
        assertThat(parked.value()).as("the parked record's payload").isEqualTo(broken);
        assertThat(header(parked, Topics.DEAD_LETTER_REASON)).as("why the job was parked").isNotBlank();
        assertThat(header(parked, "dead-letter-topic")).as("where the job came from").isEqualTo(Topics.jobs(REGION));
    }

    @Test
    void heartbeatsSayWhichAgentOfWhichRegionIsAlive() {
        Heartbeat heartbeat = WireJson.read(firstRecord(Topics.HEARTBEATS, record -> "test-agent".equals(
                record.key())).value(), Heartbeat.class);
        assertThat(heartbeat.region()).isEqualTo(REGION);
    }

    @Test
    void readinessNamesThePartitionsOfTheRegionsTopicThisAgentHolds() {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(WITHIN).untilAsserted(() -> {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(readiness).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.body()).as("readiness").contains("\"region jobs topic assigned\"")
                    .contains("\"topic\": \"parallax.jobs.test-region\"");
            assertThat(ready.statusCode()).as("readiness status, body %s", ready.body()).isEqualTo(200);
        });
    }

    private void publish(String topic, String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("publishing to " + topic + " failed: " + e, e);
        }
    }

    /** The first record of {@code topic}, read from its start, that {@code wanted} accepts; fails after a bound. */
    private ConsumerRecord<String, String> firstRecord(String topic, Predicate<ConsumerRecord<String, String>> wanted) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + WITHIN.toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(record)) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no such record on " + topic + " within " + WITHIN.toSeconds() + " s");
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return Optional.ofNullable(record.headers().lastHeader(name)).map(Header::value)
                .map(value -> new String(value, StandardCharsets.UTF_8)).orElse(null);
    }
}
