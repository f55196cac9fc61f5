package dev.parallax.e2e.faults;

import dev.parallax.client.ManagementClient;
import dev.parallax.local.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker and the database go away under load and come back; every accepted check still ends, once. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InfrastructureFaultsIT {

    private static LocalStack stack;
    private static FaultStacks.AcceptingListener target;

    @BeforeAll
    static void startStack() throws Exception {
        target = new FaultStacks.AcceptingListener();
        stack = FaultStacks.start("infrastructure", builder -> builder
                .regions(List.of("eu-west", "us-east"))
                .coordinatorProperties(Map.of(
                        // Checks accepted while the broker is away must still be worth probing when it is back.
                        "parallax.checks.deadline-grace", "PT150S",
                        // Agents cannot send heartbeats without a broker; they have not gone anywhere.
                        "parallax.agents.offline-after", "PT180S")));
    }

    @AfterAll
    static void stopStack() throws Exception {
        FaultStacks.stop(stack, target);
    }

    @Test
    @Order(1)
    void checksAcceptedWhileTheBrokerIsDownForAMinuteAllEndOnceItIsBack() throws Exception {
        ProcessHandle coordinator = stack.coordinator(1).process().orElseThrow();
        long rssBefore = FaultStacks.rssMegabytes(coordinator);
        stack.broker().stop();
        CheckLoad load = new CheckLoad(List.of(stack.apiBaseUri()), this::checkBody, 1_000, 1_000 / 58.0,
                Duration.ofSeconds(60)).start().await();
        long rssDuringOutage = FaultStacks.rssMegabytes(coordinator);
        stack.broker().start();
        Set<UUID> accepted = load.accepted();
        DeliveryAudit audit = FaultStacks.awaitEnded(stack, accepted, Duration.ofSeconds(240));
        long rssAfter = FaultStacks.rssMegabytes(coordinator);

        FaultReport.record("2. broker down 60 s", "broker stopped while 1,000 checks were submitted over 58 s,"
                        + " then started again on the same port", audit,
                "coordinator RSS " + rssBefore + " MB before, " + rssDuringOutage + " MB at the end of the outage, "
                        + rssAfter + " MB after; answers " + load.answers());
        assertThat(load.unexpected()).as("answers other than 202 or a 503 problem").isEmpty();
        assertThat(accepted).as("checks accepted while the broker was down; answers " + load.answers()).hasSize(1_000);
        assertThat(audit.lost()).as(audit.line()).isZero();
        assertThat(audit.duplicated()).as(audit.line()).isZero();
        assertThat(audit.completed()).as(audit.line()).isEqualTo(1_000);
        assertThat(rssDuringOutage).as("coordinator RSS (MB) with 2,000 jobs waiting for the broker, against "
                + rssBefore + " MB before").isLessThan(rssBefore + 200);
    }

    @Test
    @Order(2)
    void restartingPostgresUnderLoadAnswers503MeanwhileAndLosesNothingAccepted() throws Exception {
        CheckLoad load = new CheckLoad(List.of(stack.apiBaseUri()), this::checkBody, 400, 10, Duration.ofSeconds(45))
                .start();
        Thread.sleep(10_000);
        stack.postgres().stop();
        Thread.sleep(3_000);
        String readinessDuringOutage = readiness();
        Thread.sleep(12_000);
        stack.postgres().start();
        load.await();
        Set<UUID> accepted = load.accepted();
        DeliveryAudit audit = FaultStacks.awaitEnded(stack, accepted, Duration.ofSeconds(180));

        FaultReport.record("5. PostgreSQL restarted under load", "PostgreSQL stopped for 15 s during a 10/s load"
                + " of 400 checks", audit, "answers " + load.answers() + "; readiness during the outage "
                + readinessDuringOutage);
        assertThat(load.unexpected()).as("answers other than 202 or a 503 problem: a 500, or a 202 refused later")
                .isEmpty();
        assertThat(load.answers()).as("answers while the database was down").containsKey("503");
        assertThat(readinessDuringOutage).as("/q/health/ready while the database was down").isEqualTo("DOWN");
        assertThat(audit.stored()).as("every 202 has its rows: " + audit.line()).isEqualTo(audit.accepted());
        assertThat(audit.lost()).as(audit.line()).isZero();
        assertThat(audit.duplicated()).as(audit.line()).isZero();
        assertThat(audit.completed()).as(audit.line()).isEqualTo(accepted.size());
    }

    private String checkBody() {
        return FaultStacks.checkBody(target.port(), List.of("eu-west", "us-east"), 1000);
    }

    /** UP (answered 200) or DOWN (503). */
    private static String readiness() {
        try (ManagementClient management = new ManagementClient(stack.coordinator(1).managementUri())) {
            return management.health("ready").status();
        }
    }
}
