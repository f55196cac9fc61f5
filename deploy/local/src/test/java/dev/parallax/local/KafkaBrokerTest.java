package dev.parallax.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the real broker process. Needs {@code deploy/kafka-broker/target/libs}, which any reactor build of this
 * module produces first; without it {@link KafkaBroker#start} fails and says how to build it.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void brokerDeliversARecordAndIsGoneAfterClose() throws Exception {
        ProcessHandle process;
        try (KafkaBroker broker = KafkaBroker.start(TestRepo.brokerLibs(), dir.resolve("kafka"), 0, 0,
                dir.resolve("kafka.log"))) {
            process = broker.process().orElseThrow();
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(broker.clusterId()).hasSize(22);

            assertThatThrownBy(() -> KafkaBroker.start(TestRepo.brokerLibs(), dir.resolve("kafka"), 0, 0,
                    dir.resolve("other.log")))
                    .isInstanceOf(StartupException.class).hasMessageContaining("in use by another launcher");
            assertThat(process.isAlive()).isTrue();

            produce(broker.bootstrapServers(), "parallax.test", "check-1", "hello");
            assertThat(consumeAll(broker.bootstrapServers(), "parallax.test", 1))
                    .containsExactly("check-1=hello");
        }
        assertThat(Processes.isGone(process)).isTrue();
        assertThat(Files.readString(dir.resolve("kafka.log"))).contains("Kafka Server started");
        assertThat(dir.resolve("kafka/broker.pid")).doesNotExist();
    }

    @Test
    void restartOnOtherPortsKeepsTopicsAndRecords() throws Exception {
        Path brokerDir = dir.resolve("kafka");
        String clusterId;
        int firstPort;
        try (KafkaBroker broker = KafkaBroker.start(TestRepo.brokerLibs(), brokerDir, 0, 0, dir.resolve("kafka.log"))) {
            clusterId = broker.clusterId();
            firstPort = broker.port();
            produce(broker.bootstrapServers(), "parallax.kept", "k", "survives restarts");
        }
        try (KafkaBroker again = KafkaBroker.start(TestRepo.brokerLibs(), brokerDir, 0, 0, dir.resolve("kafka.log"))) {
            assertThat(again.clusterId()).isEqualTo(clusterId);
            assertThat(again.port()).isNotEqualTo(firstPort);
            assertThat(consumeAll(again.bootstrapServers(), "parallax.kept", 1)).containsExactly("k=survives restarts");
        }
        assertThat(dir.resolve("kafka.log.1")).exists();
    }

    @Test
    void stoppedAndStartedAgainItKeepsItsPortsClusterIdTopicsAndRecords() throws Exception {
        Path brokerDir = dir.resolve("kafka");
        // A second loopback address stands in for the vantage bridge, whose clients keep its port too.
        InetAddress extraAddress = InetAddress.getByName("127.0.0.2");
        RecordingListener heard = new RecordingListener();
        try (KafkaBroker broker = KafkaBroker.create(TestRepo.brokerLibs(), brokerDir, 0, 0, extraAddress,
                dir.resolve("kafka.log"), heard)) {
            broker.start();
            String clusterId = broker.clusterId();
            int port = broker.port();
            int controllerPort = broker.controllerPort();
            String extraBootstrap = broker.extraBootstrapServers().orElseThrow();
            try (Admin admin = admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("parallax.restarted", 2, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            produce(broker.bootstrapServers(), "parallax.restarted", "k", "before the stop");
            ProcessHandle first = broker.process().orElseThrow();

            broker.stop();
            assertThat(Processes.isGone(first)).isTrue();
            assertThat(broker.isRunning()).isFalse();
            assertThat(broker.process()).isEmpty();
            String metaProperties = Files.readString(brokerDir.resolve("data/meta.properties"));
            assertThat(Loopback.accepts(port)).as("nothing listens on " + port + " while stopped").isFalse();

            broker.start();
            assertThat(broker.port()).isEqualTo(port);
            assertThat(broker.controllerPort()).isEqualTo(controllerPort);
            assertThat(broker.extraBootstrapServers()).contains(extraBootstrap);
            assertThat(broker.clusterId()).isEqualTo(clusterId);
            assertThat(Files.readString(brokerDir.resolve("data/meta.properties")))
                    .as("storage not formatted again").isEqualTo(metaProperties);
            try (Admin admin = admin(broker.bootstrapServers())) {
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
                assertThat(admin.describeTopics(List.of("parallax.restarted")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("parallax.restarted").partitions()).hasSize(2);
            }
            assertThat(consumeAll(broker.bootstrapServers(), "parallax.restarted", 1))
                    .containsExactly("k=before the stop");
            assertThat(consumeAll(extraBootstrap, "parallax.restarted", 1))
                    .as("through the extra listener on its old port").containsExactly("k=before the stop");
        }
        assertThat(heard.lines).contains("Kafka broker stopped")
                .anyMatch(line -> line.startsWith("Kafka broker ready again on"));
        assertThat(heard.exits).as("a stop asked for is not an unexpected exit").isEmpty();
    }

    @Test
    void aBrokerThatDiesOnItsOwnIsReported() throws Exception {
        RecordingListener heard = new RecordingListener();
        try (KafkaBroker broker = KafkaBroker.create(TestRepo.brokerLibs(), dir.resolve("kafka"), 0, 0, null,
                dir.resolve("kafka.log"), heard)) {
            broker.start();
            broker.process().orElseThrow().destroyForcibly();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (heard.exits.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
        }
        assertThat(heard.exits).containsExactly("kafka exited with code 137, killed by signal 9");
    }

    /** What a component told its listener. */
    private static final class RecordingListener implements ComponentListener {

        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> exits = new CopyOnWriteArrayList<>();

        @Override
        public void progress(String line) {
            lines.add(line);
        }

        @Override
        public void exitedUnexpectedly(String component, String detail, Path logFile) {
            exits.add(component + " " + detail);
        }
    }

    @Test
    void clusterIdsNeverLookLikeAnOption() {
        for (int i = 0; i < 5_000; i++) {
            assertThat(BrokerDirectory.newClusterId()).hasSize(22).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
        }
    }

    @Test
    void storedClusterIdThatLooksLikeAnOptionIsReplacedBeforeFormatting() throws Exception {
        Path brokerDir = dir.resolve("kafka");
        Files.createDirectories(brokerDir);
        Files.writeString(brokerDir.resolve("cluster.id"), "-AAAAAAAAAAAAAAAAAAAAA\n");
        try (KafkaBroker broker = KafkaBroker.start(TestRepo.brokerLibs(), brokerDir, 0, 0, dir.resolve("kafka.log"))) {
            assertThat(broker.clusterId()).doesNotStartWith("-");
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    private static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(String bootstrap, String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
        }
        return seen;
    }
}
