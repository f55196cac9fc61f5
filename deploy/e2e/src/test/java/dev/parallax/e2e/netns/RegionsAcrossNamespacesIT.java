package dev.parallax.e2e.netns;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.client.Agent;
import dev.parallax.client.Check;
import dev.parallax.client.CheckPage;
import dev.parallax.client.ParallaxClient;
import dev.parallax.e2e.CheckAnswers;
import dev.parallax.e2e.E2eStacks;
import dev.parallax.local.LocalStack;
import dev.parallax.local.vantage.VantageFirewall;
import dev.parallax.local.vantage.VantageNetwork;
import dev.parallax.local.vantage.VantageNetworkException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.parallax.e2e.CheckAnswers.portState;
import static dev.parallax.e2e.CheckAnswers.region;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The system across network namespaces: coordinator, broker and PostgreSQL on the host; each region's agents in a
 * namespace of their own with their own nftables rules; one target namespace listening on 80 and 443
 * ({@link LocalStack#vantageNamespaces}). eu-west has no firewall, us-east's resets connections to 443, and
 * ap-south's drops them, so the same port is OPEN, CLOSED and FILTERED depending on where it is probed from.
 * eu-west runs two agents, which share its jobs.
 *
 * <p>Needs root, {@code ip} and {@code nft}; fails, never skips, without them. Runs with {@code -Pnetns}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RegionsAcrossNamespacesIT {

    private static final String OPEN_REGION = "eu-west";
    private static final String RESET_REGION = "us-east";
    private static final String DROP_REGION = "ap-south";
    private static final List<String> REGIONS = List.of(OPEN_REGION, RESET_REGION, DROP_REGION);
    private static final int BATCH = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;
    private static ParallaxClient api;
    private static VantageNetwork network;
    private static String target;

    @BeforeAll
    static void startStackInNamespaces() throws Exception {
        try {
            VantageNetwork.requirePreconditions();
        } catch (VantageNetworkException e) {
            throw new AssertionError("The system test across network namespaces cannot run here: " + e.getMessage()
                    + ". Run it as root with iproute2 and nftables installed (.ci/run installs them).", e);
        }
        stack = E2eStacks.builder("netns-stack")
                .regions(REGIONS)
                .agents(OPEN_REGION, 2)
                .vantageNamespaces(true)
                .build()
                .start();
        network = stack.vantageNetwork().orElseThrow();
        target = network.targetAddress().getHostAddress();
        api = ParallaxClient.of(stack.apiBaseUri());
        assertThat(network.firewall(OPEN_REGION)).isEqualTo(VantageFirewall.NONE);
        assertThat(network.firewall(RESET_REGION)).isEqualTo(VantageFirewall.RESET);
        assertThat(network.firewall(DROP_REGION)).isEqualTo(VantageFirewall.DROP);
    }

    @AfterAll
    static void stopStack() {
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theSamePortIsOpenClosedAndFilteredFromThreeRegionsAndTheComparisonSaysSo() throws Exception {
        awaitLiveAgents(Map.of(OPEN_REGION, 2, RESET_REGION, 1, DROP_REGION, 1));

        Check check = CheckAnswers.awaitComplete(api, api.submitCheck("""
                {"target": "%s", "ports": [25, 80, 443], "regions": ["eu-west", "us-east", "ap-south"],
                 "timeoutMs": 1000}
                """.formatted(target)).value().id(), Duration.ofSeconds(60), stack);

        for (String name : REGIONS) {
            Check.Region region = region(check, name);
            assertThat(region.status()).as("status of %s in %s", name, check).isEqualTo("DONE");
            assertThat(region.agentId()).as("agent of %s", name).startsWith(name + "-");
            assertThat(portState(region, 25)).as("%s: nothing listens on 25", name).isEqualTo("CLOSED/conn-refused");
            assertThat(portState(region, 80)).as("%s: 80 is behind no firewall", name).isEqualTo("OPEN/syn-ack");
        }
        assertThat(portState(region(check, OPEN_REGION), 443)).as("443 from the region without a firewall")
                .isEqualTo("OPEN/syn-ack");
        assertThat(portState(region(check, RESET_REGION), 443)).as("443 from the region whose firewall resets")
                .isEqualTo("CLOSED/conn-refused");
        assertThat(portState(region(check, DROP_REGION), 443)).as("443 from the region whose firewall drops")
                .isEqualTo("FILTERED/no-response");

        Check.Comparison comparison = check.comparison();
        assertThat(comparison.divergentPorts()).as("divergent ports in %s", comparison).containsExactly(443);
        assertThat(comparison.summary()).as("the one-line verdict")
                .startsWith("443 open from eu-west; closed from us-east; filtered from ap-south.")
                .contains("80 open from ap-south, eu-west, us-east.")
                .contains("25 closed from ap-south, eu-west, us-east.");

        CheckPage divergent = api.checks(100, true).value();
        assertThat(divergent.checks()).extracting(CheckPage.Summary::id).as("GET ?divergent=true lists the check")
                .contains(check.id());
    }

    @Test
    @Order(2)
    void everyAgentReportsTheAddressOfItsOwnNamespace() throws Exception {
        awaitLiveAgents(Map.of(OPEN_REGION, 2, RESET_REGION, 1, DROP_REGION, 1));
        Map<String, String> egress = new HashMap<>();
        for (Agent agent : api.agents().value()) {
            egress.put(agent.agentId(), agent.egressAddresses().toString());
        }
        for (String name : REGIONS) {
            for (String agentId : stack.agents(name).ids()) {
                assertThat(egress.get(agentId)).as("egress addresses of %s (all: %s)", agentId, egress)
                        .contains(network.vantageAddress(name).getHostAddress());
            }
        }
    }

    /**
     * 200 checks; eu-west's two agents share them; one is killed with SIGKILL once it has finished a few and
     * before the region is through. Its unfinished jobs are redelivered to the other agent when its session
     * times out, or end UNAVAILABLE at their deadline; nothing stays pending and nothing is stored twice.
     */
    @Test
    @Order(3)
    void killingOneOfARegionsTwoAgentsMidBatchLeavesEveryCheckTerminalAndNothingTwice() throws Exception {
        awaitLiveAgents(Map.of(OPEN_REGION, 2, RESET_REGION, 1, DROP_REGION, 1));
        // eu-west's firewall drops 8443 for this test, so each of its jobs takes the 1.5 s timeout: long enough
        // for the batch to be in flight when the agent dies.
        network.guard(OPEN_REGION, VantageFirewall.DROP, Set.of(8443));
        String victim = OPEN_REGION + "-2";
        String survivor = OPEN_REGION + "-1";
        List<UUID> checks = new CopyOnWriteArrayList<>();
        try (Connection db = stack.postgres().connect();
             ExecutorService submitter = Executors.newSingleThreadExecutor()) {
            long begin = System.nanoTime();
            Future<?> submitting = submitter.submit(() -> {
                for (int i = 0; i < BATCH; i++) {
                    checks.add(api.submitCheck("""
                            {"target": "%s", "ports": [80, 443, 8443], "regions": ["eu-west", "us-east", "ap-south"],
                             "timeoutMs": 1500}
                            """.formatted(target)).value().id());
                }
                System.out.printf("submitted %d checks in %.1f s%n", BATCH, (System.nanoTime() - begin) / 1e9);
                return null;
            });

            // The kill comes while checks are still being submitted and the victim is busy.
            Map<String, Integer> atKill = awaitDoneBy(db, checks, victim, 5, Duration.ofSeconds(60));
            int submittedAtKill = checks.size();
            stack.agent(victim).kill();
            System.out.printf("killed %s with SIGKILL after %d of %d checks were submitted; eu-west had then %s%n",
                    victim, submittedAtKill, BATCH, atKill);
            int doneAtKill = atKill.entrySet().stream().filter(e -> e.getKey().startsWith("DONE"))
                    .mapToInt(Map.Entry::getValue).sum();
            assertThat(doneAtKill).as("the kill came in the middle of the batch (eu-west results at that moment)")
                    .isLessThan(BATCH);
            submitting.get(5, TimeUnit.MINUTES);

            for (UUID id : checks) {
                CheckAnswers.awaitComplete(api, id, Duration.ofSeconds(120), stack);
            }

            Map<String, Integer> outcome = outcomes(db, checks, OPEN_REGION);
            System.out.printf("eu-west outcome for %d checks: %s%n", BATCH, outcome);
            assertThat(outcome.values().stream().mapToInt(Integer::intValue).sum())
                    .as("one eu-west result per check: %s", outcome).isEqualTo(BATCH);
            assertThat(outcome).as("no eu-west result left pending").doesNotContainKey("PENDING");
            assertThat(outcome.getOrDefault("DONE by " + victim, 0)).as("the killed agent did its share first")
                    .isPositive();
            assertThat(outcome.getOrDefault("DONE by " + survivor, 0)).as("the surviving agent did its share")
                    .isPositive();
            for (String other : List.of(RESET_REGION, DROP_REGION)) {
                assertThat(outcomes(db, checks, other)).as("results of %s", other)
                        .containsOnlyKeys("DONE by " + other + "-1")
                        .containsValue(BATCH);
            }
            assertNothingStoredTwice(db, checks);

            for (String name : REGIONS) {
                assertThat(recordsFor("parallax.jobs." + name, checks)).as("jobs published to %s", name)
                        .hasSize(BATCH);
            }
            Map<String, Integer> verdicts = new TreeMap<>();
            for (String verdict : recordsFor("parallax.verdicts", checks)) {
                verdicts.merge(JSON.readTree(verdict).path("region").asText(), 1, Integer::sum);
            }
            System.out.printf("verdicts published per region for the batch: %s (more than %d = probed again after "
                    + "the takeover; stored once)%n", verdicts, BATCH);
            assertThat(verdicts.getOrDefault(RESET_REGION, 0)).as("us-east probed each check once").isEqualTo(BATCH);
            assertThat(verdicts.getOrDefault(DROP_REGION, 0)).as("ap-south probed each check once").isEqualTo(BATCH);
        } finally {
            network.guard(OPEN_REGION, VantageFirewall.NONE, Set.of());
            stack.agents(OPEN_REGION).start();
        }
    }

    @Test
    @Order(4)
    void aRegionWhoseAgentsAllStoppedEndsUnavailableWithNoLiveAgentAndTheCheckCompletes() throws Exception {
        awaitLiveAgents(Map.of(OPEN_REGION, 2, RESET_REGION, 1, DROP_REGION, 1));
        stack.agents(DROP_REGION).stop();
        try {
            // At once: the registry still counts the agent live, so the job is queued and the deadline ends it.
            UUID queued = api.submitCheck("""
                    {"target": "%s", "ports": [80], "regions": ["eu-west", "us-east", "ap-south"], "timeoutMs": 500}
                    """.formatted(target)).value().id();
            // Once the registry has seen the agent go quiet, the region ends at submission.
            awaitLiveAgents(Map.of(DROP_REGION, 0));
            UUID refused = api.submitCheck("""
                    {"target": "%s", "ports": [80], "regions": ["eu-west", "us-east", "ap-south"], "timeoutMs": 500}
                    """.formatted(target)).value().id();

            for (UUID id : List.of(queued, refused)) {
                Check check = CheckAnswers.awaitComplete(api, id, Duration.ofSeconds(90), stack);
                assertThat(region(check, DROP_REGION).status()).as("ap-south in %s", check)
                        .isEqualTo("UNAVAILABLE");
                assertThat(region(check, DROP_REGION).message()).as("ap-south's reason in %s", check)
                        .contains("no-live-agent");
                for (String name : List.of(OPEN_REGION, RESET_REGION)) {
                    assertThat(region(check, name).status()).as("%s in %s", name, check).isEqualTo("DONE");
                }
            }
        } finally {
            stack.agents(DROP_REGION).start();
        }
    }

    private static void awaitLiveAgents(Map<String, Integer> expected) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, Integer> seen = new TreeMap<>();
        while (System.nanoTime() < until) {
            seen.clear();
            for (String name : expected.keySet()) {
                seen.put(name, api.liveAgents(name));
            }
            if (seen.equals(new TreeMap<>(expected))) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("live agents per region never became " + expected + "; last seen " + seen
                + " (GET /api/v1/regions: " + api.regions().body() + ")");
    }

    /** Waits until {@code agentId} finished at least {@code count} of the checks; eu-west's results by agent. */
    private static Map<String, Integer> awaitDoneBy(Connection db, List<UUID> checks, String agentId, int count,
                                                    Duration patience) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        Map<String, Integer> done = Map.of();
        while (System.nanoTime() < until) {
            done = outcomes(db, checks, OPEN_REGION);
            if (done.getOrDefault("DONE by " + agentId, 0) >= count) {
                return done;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(agentId + " never finished " + count + " checks; eu-west results: " + done);
    }

    /** The region's results for the checks, counted by "STATUS by agent" (or just STATUS without an agent). */
    private static Map<String, Integer> outcomes(Connection db, List<UUID> checks, String region)
            throws SQLException {
        Map<String, Integer> counts = new TreeMap<>();
        try (PreparedStatement query = db.prepareStatement("""
                SELECT status, agent_id, count(*) FROM region_results
                WHERE check_id = ANY (?) AND region = ? GROUP BY status, agent_id""")) {
            query.setArray(1, db.createArrayOf("uuid", checks.toArray()));
            query.setString(2, region);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String agent = rows.getString(2);
                    counts.put(rows.getString(1) + (agent == null ? "" : " by " + agent), rows.getInt(3));
                }
            }
        }
        return counts;
    }

    private static void assertNothingStoredTwice(Connection db, List<UUID> checks) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("""
                SELECT
                  (SELECT count(*) FROM checks WHERE id = ANY (?1)),
                  (SELECT count(*) FROM checks WHERE id = ANY (?1) AND status <> 'COMPLETE'),
                  (SELECT count(*) FROM region_results WHERE check_id = ANY (?1)),
                  (SELECT count(*) FROM (SELECT 1 FROM region_results WHERE check_id = ANY (?1)
                                         GROUP BY check_id, region HAVING count(*) > 1) d),
                  (SELECT count(*) FROM (SELECT 1 FROM port_results WHERE check_id = ANY (?1)
                                         GROUP BY check_id, region, address, port HAVING count(*) > 1) d),
                  (SELECT count(*) FROM region_results r WHERE check_id = ANY (?1) AND r.status = 'DONE'
                     AND (SELECT count(*) FROM port_results p
                          WHERE p.check_id = r.check_id AND p.region = r.region) <> 3)
                """.replace("?1", "?"))) {
            var ids = db.createArrayOf("uuid", checks.toArray());
            for (int i = 1; i <= 6; i++) {
                query.setArray(i, ids);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                assertThat(row.getInt(1)).as("checks stored").isEqualTo(checks.size());
                assertThat(row.getInt(2)).as("checks not COMPLETE").isZero();
                assertThat(row.getInt(3)).as("region results: one per (check, region)")
                        .isEqualTo(checks.size() * REGIONS.size());
                assertThat(row.getInt(4)).as("(check, region) stored twice").isZero();
                assertThat(row.getInt(5)).as("(check, region, address, port) stored twice").isZero();
                assertThat(row.getInt(6)).as("DONE regions without exactly one row per port").isZero();
            }
        }
    }

    /** The values of every record on the topic keyed by one of the checks: what was published, repeats and all. */
    private static List<String> recordsFor(String topic, List<UUID> checks) {
        Set<String> wanted = checks.stream().map(UUID::toString).collect(Collectors.toCollection(HashSet::new));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("could not read " + topic + " to its end within 60 s");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && wanted.contains(record.key())) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }
}
