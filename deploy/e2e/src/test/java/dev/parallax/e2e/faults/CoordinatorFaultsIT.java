package dev.parallax.e2e.faults;

import dev.parallax.local.LocalStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coordinators that crash: after committing checks but before publishing their jobs, and in the middle of a load
 * while their verdict consumer group is rewound to the beginning and a second coordinator joins.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorFaultsIT {

    private static final String VERDICT_GROUP = "parallax-coordinator";

    private static LocalStack stack;
    private static FaultStacks.AcceptingListener target;
    private static final Set<UUID> everyAccepted = new HashSet<>();

    @BeforeAll
    static void startStack() throws Exception {
        target = new FaultStacks.AcceptingListener();
        stack = FaultStacks.start("coordinator", builder -> builder
                .regions(List.of("eu-west", "us-east"))
                .coordinators(2)
                // Widens the window between commit and publish (a test hook; sweeps are not delayed).
                .coordinatorProperties(Map.of("parallax.outbox.publish-delay-after-commit", "PT20S")));
        // One coordinator to begin with: the replica's own sweep would publish what the first one committed.
        stack.coordinator(2).kill();
    }

    @AfterAll
    static void stopStack() throws Exception {
        FaultStacks.stop(stack, target);
    }

    @Test
    @Order(1)
    void aCoordinatorKilledAfterCommittingButBeforePublishingPublishesOnRestart() throws Exception {
        CheckLoad load = new CheckLoad(List.of(stack.apiBaseUri()), this::checkBody, 50, 25, Duration.ofSeconds(30))
                .start().await();
        Set<UUID> accepted = load.accepted();
        everyAccepted.addAll(accepted);
        assertThat(accepted).as("checks accepted; answers %s", load.answers()).hasSize(50);
        long unpublished = unpublishedJobs(accepted);
        assertThat(unpublished).as("jobs committed but not yet published when the coordinator is killed")
                .isEqualTo(100);

        stack.coordinator(1).kill();
        assertThat(unpublishedJobs(accepted)).as("jobs unpublished after the kill").isEqualTo(100);
        stack.coordinator(1).start();
        DeliveryAudit audit = FaultStacks.awaitEnded(stack, accepted, Duration.ofSeconds(90));

        FaultReport.record("1. kill -9 coordinator between commit and publish",
                "SIGKILL with " + unpublished + " committed jobs unpublished (publish delayed 20 s), then restart",
                audit, "after the restart: " + audit.regionsDone() + " of 100 regions DONE");
        assertThat(audit.lost()).as(audit.line()).isZero();
        assertThat(audit.duplicated()).as(audit.line()).isZero();
        assertThat(audit.completed()).as(audit.line()).isEqualTo(50);
        assertThat(audit.regionsDone()).as("regions answered by their agent after the restart: " + audit.line())
                .isEqualTo(100);
    }

    @Test
    @Order(2)
    void rewindingTheVerdictGroupAndAddingACoordinatorUnderLoadChangesNoRow() throws Exception {
        Set<UUID> earlier = Set.copyOf(everyAccepted);
        Map<String, Long> rowsBefore = rowCounts(earlier);
        CheckLoad load = new CheckLoad(List.of(stack.apiBaseUri()), this::checkBody, 300, 10, Duration.ofSeconds(40))
                .start();
        Thread.sleep(8_000);
        stack.coordinator(1).kill();
        long rewoundPartitions = rewindVerdictGroup(Duration.ofSeconds(60));
        stack.coordinator(1).start();
        stack.coordinator(2).start();
        load.await();
        everyAccepted.addAll(load.accepted());
        DeliveryAudit audit = FaultStacks.awaitEnded(stack, everyAccepted, Duration.ofSeconds(120));
        Map<String, Long> rowsOfEarlierChecks = rowCounts(earlier);
        long ignoredRepeats = countLines("coordinator", "was already terminal")
                + countLines("coordinator-2", "was already terminal");

        FaultReport.record("3. verdict group rewound + second coordinator under load",
                "SIGKILL of the coordinator at 8 s of a 10/s load, group " + VERDICT_GROUP + " reset to the earliest"
                        + " offset on " + rewoundPartitions + " partitions, restart plus a second coordinator",
                audit, "rows of the earlier checks before/after " + rowsBefore + " / " + rowsOfEarlierChecks
                        + "; repeated verdicts ignored: " + ignoredRepeats + "; answers " + load.answers());
        assertThat(load.unexpected()).as("answers other than 202 or a 503 problem").isEmpty();
        assertThat(audit.lost()).as(audit.line()).isZero();
        assertThat(audit.duplicated()).as(audit.line()).isZero();
        assertThat(audit.completed()).as(audit.line()).isEqualTo(everyAccepted.size());
        assertThat(rowsOfEarlierChecks).as("rows of checks that had ended before the rewind").isEqualTo(rowsBefore);
        assertThat(ignoredRepeats).as("verdicts delivered again by the rewind and recognised as repeats")
                .isGreaterThanOrEqualTo(100);
    }

    private String checkBody() {
        return FaultStacks.checkBody(target.port(), List.of("eu-west", "us-east"), 1000);
    }

    /** Resets the coordinators' verdict group to offset 0 once it has no member left; returns the partitions. */
    private static long rewindVerdictGroup(Duration patience) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
            int partitions = admin.describeTopics(List.of("parallax.verdicts")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("parallax.verdicts").partitions().size();
            Map<TopicPartition, OffsetAndMetadata> earliest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                earliest.put(new TopicPartition("parallax.verdicts", p), new OffsetAndMetadata(0));
            }
            long until = System.nanoTime() + patience.toNanos();
            while (true) {
                try {
                    // Refused while the killed coordinator is still a member (until its session times out).
                    admin.alterConsumerGroupOffsets(VERDICT_GROUP, earliest).all().get(30, TimeUnit.SECONDS);
                    return partitions;
                } catch (ExecutionException e) {
                    if (System.nanoTime() > until) {
                        throw new AssertionError("could not rewind " + VERDICT_GROUP + " within " + patience, e);
                    }
                    Thread.sleep(1_000);
                }
            }
        }
    }

    private static long unpublishedJobs(Set<UUID> checks) throws Exception {
        try (Connection db = stack.postgres().connect();
             PreparedStatement query = db.prepareStatement(
                     "SELECT count(*) FROM outbox_events WHERE aggregate_id = ANY (?) AND sent_at IS NULL")) {
            query.setArray(1, db.createArrayOf("uuid", checks.toArray()));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Region and port rows of these checks. */
    private static Map<String, Long> rowCounts(Set<UUID> checks) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection db = stack.postgres().connect()) {
            for (String table : List.of("region_results", "port_results")) {
                try (PreparedStatement query = db.prepareStatement(
                        "SELECT count(*) FROM " + table + " WHERE check_id = ANY (?)")) {
                    query.setArray(1, db.createArrayOf("uuid", checks.toArray()));
                    try (ResultSet rows = query.executeQuery()) {
                        rows.next();
                        counts.put(table, rows.getLong(1));
                    }
                }
            }
        }
        return counts;
    }

    private static long countLines(String component, String text) throws Exception {
        var log = stack.logFile(component);
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }
}
