package dev.parallax.e2e.faults;

import dev.parallax.e2e.LoopbackPorts;
import dev.parallax.local.LocalStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Records that break the contract go to the dead-letter topics; an agent killed mid-batch loses nothing. */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MessageAndAgentFaultsIT {

    private static LocalStack stack;
    private static FaultStacks.AcceptingListener target;

    @BeforeAll
    static void startStack() throws Exception {
        target = new FaultStacks.AcceptingListener();
        stack = FaultStacks.start("messages", builder -> builder
                .regions(List.of("eu-west", "us-east"))
                .agents("eu-west", 2));
    }

    @AfterAll
    static void stopStack() throws Exception {
        FaultStacks.stop(stack, target);
    }

    @Test
    void malformedJobsAndVerdictsAreParkedWithTheirReasonAndTheNextValidOnesFlow() throws Exception {
        UUID planted = plantPendingCheck("eu-west");
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("parallax.jobs.eu-west", "garbage", "this is not a job")).get();
            producer.send(new ProducerRecord<>("parallax.jobs.eu-west", planted.toString(), """
                    {"checkId": "%s", "region": "eu-west", "target": "127.0.0.1", "ports": "0",
                     "timeoutMs": 1000, "ipFamily": "any"}""".formatted(planted))).get();
            producer.send(new ProducerRecord<>("parallax.verdicts", "garbage", "{\"verdictId\": ")).get();
            producer.send(new ProducerRecord<>("parallax.verdicts", planted.toString(), """
                    {"verdictId": "%s", "checkId": "%s", "region": "eu-west", "agentId": "forger", "status": "PENDING",
                     "startedAt": "%s", "finishedAt": "%s"}""".formatted(UUID.randomUUID(), planted, Instant.now(),
                    Instant.now()))).get();
        }
        CheckLoad valid = new CheckLoad(List.of(stack.apiBaseUri()), this::checkBody, 5, 5, Duration.ofSeconds(10))
                .start().await();
        Set<UUID> checks = new HashSet<>(valid.accepted());
        checks.add(planted);

        DeliveryAudit audit = FaultStacks.awaitEnded(stack, checks, Duration.ofSeconds(60));
        List<ConsumerRecord<String, String>> parkedJobs = readAll("parallax.jobs.eu-west.dlq", 2);
        List<ConsumerRecord<String, String>> parkedVerdicts = readAll("parallax.verdicts.dlq", 2);
        String plantedRegion = regionStatus(planted, "eu-west");

        FaultReport.record("4. malformed jobs and verdicts", "2 broken jobs on parallax.jobs.eu-west, 2 broken"
                        + " verdicts on parallax.verdicts, then 5 valid checks", audit,
                "parked: " + parkedJobs.size() + " jobs, " + parkedVerdicts.size() + " verdicts; the broken job's"
                        + " check ended " + plantedRegion);
        assertThat(parkedJobs).extracting(ConsumerRecord::value)
                .as("jobs on parallax.jobs.eu-west.dlq").contains("this is not a job")
                .anyMatch(value -> value.contains(planted.toString()));
        assertThat(parkedVerdicts).extracting(ConsumerRecord::value).as("verdicts on parallax.verdicts.dlq")
                .contains("{\"verdictId\": ").anyMatch(value -> value.contains("forger"));
        for (ConsumerRecord<String, String> parked : concat(parkedJobs, parkedVerdicts)) {
            assertThat(header(parked, "dead-letter-reason")).as("reason of parked " + parked.value()).isNotBlank();
            assertThat(header(parked, "dead-letter-topic")).isIn("parallax.jobs.eu-west", "parallax.verdicts");
        }
        assertThat(plantedRegion).as("region of the check whose job was broken").startsWith("FAILED")
                .contains("job breaks the contract");
        assertThat(valid.accepted()).as("valid checks after the broken records; " + valid.answers()).hasSize(5);
        assertThat(audit.lost()).as(audit.line()).isZero();
        assertThat(audit.duplicated()).as(audit.line()).isZero();
        assertThat(audit.completed()).as(audit.line()).isEqualTo(6);
    }

    @Test
    void anAgentKilledInTheMiddleOfABatchLosesNoCheck() throws Exception {
        // Each probe of this port takes its whole 1.5 s timeout: the listener's accept queue is full.
        try (LoopbackPorts.Silent silent = new LoopbackPorts.Silent()) {
            CheckLoad load = new CheckLoad(List.of(stack.apiBaseUri()),
                    () -> FaultStacks.checkBody(silent.port(), List.of("eu-west", "us-east"), 1500), 200,
                    20, Duration.ofSeconds(20)).start();
            Thread.sleep(4_000);
            Map<String, Long> beforeKill = answeredBy("eu-west");
            stack.agent("eu-west-2").kill();
            load.await();
            Set<UUID> accepted = load.accepted();
            DeliveryAudit audit = FaultStacks.awaitEnded(stack, accepted, Duration.ofSeconds(120));
            Map<String, Long> after = answeredBy("eu-west");

            FaultReport.record("6. kill -9 an agent mid-batch", "SIGKILL of eu-west-2 (of 2) 4 s into 200"
                    + " checks of 1.5 s each at 20/s", audit, "eu-west results by agent before the kill "
                    + beforeKill + ", at the end " + after);
            assertThat(accepted).as(load.answers().toString()).hasSize(200);
            assertThat(audit.lost()).as(audit.line()).isZero();
            assertThat(audit.duplicated()).as(audit.line()).isZero();
            assertThat(audit.completed()).as(audit.line()).isEqualTo(200);
            assertThat(after.getOrDefault("eu-west-1", 0L)).as("the surviving agent took over: " + after)
                    .isGreaterThan(beforeKill.getOrDefault("eu-west-1", 0L));
        } finally {
            stack.agents("eu-west").start();
        }
    }

    private String checkBody() {
        return FaultStacks.checkBody(target.port(), List.of("eu-west"), 1000);
    }

    /** A check as the coordinator stores it, PENDING in one region, with no job queued: only a broken one will be. */
    private static UUID plantPendingCheck(String region) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection db = stack.postgres().connect()) {
            try (PreparedStatement check = db.prepareStatement("""
                    INSERT INTO checks (id, target, ports, port_count, timeout_ms, ip_family, status, created_at,
                                        deadline, owner)
                    VALUES (?, '127.0.0.1', '9', 1, 1000, 'ANY', 'PENDING', now(), now() + interval '2 minutes',
                            'anonymous')""")) {
                check.setObject(1, id);
                check.executeUpdate();
            }
            try (PreparedStatement row = db.prepareStatement("""
                    INSERT INTO region_results (check_id, region, status, updated_at) VALUES (?, ?, 'PENDING', now())
                    """)) {
                row.setObject(1, id);
                row.setString(2, region);
                row.executeUpdate();
            }
        }
        return id;
    }

    private static String regionStatus(UUID check, String region) throws Exception {
        try (Connection db = stack.postgres().connect();
             PreparedStatement query = db.prepareStatement(
                     "SELECT status, message FROM region_results WHERE check_id = ? AND region = ?")) {
            query.setObject(1, check);
            query.setString(2, region);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) + " " + rows.getString(2) : "missing";
            }
        }
    }

    /** Region results of the region by the agent that answered. */
    private static Map<String, Long> answeredBy(String region) throws Exception {
        Map<String, Long> byAgent = new TreeMap<>();
        try (Connection db = stack.postgres().connect();
             PreparedStatement query = db.prepareStatement("SELECT coalesce(agent_id, status), count(*)"
                     + " FROM region_results WHERE region = ? AND status <> 'PENDING' GROUP BY 1")) {
            query.setString(1, region);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    byAgent.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return byAgent;
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** Reads the topic from the beginning until {@code atLeast} records came or 60 s passed. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, int atLeast) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "fault-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < atLeast && System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
        }
        return read;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
