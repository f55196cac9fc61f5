package dev.parallax.coordinator.observability;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import dev.parallax.coordinator.testinfra.Verdicts;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every log line about a check carries its id in the logging context (a field of its own in JSON logs), and the
 * region when the line is about one region: on the request thread that accepts it, on the thread that stores
 * its verdicts, and on the sweeper's thread that ends it at its deadline.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class CheckLogContextTest {

    /** A copy of what each record said and carried, taken on the logging thread. */
    private record Line(String message, String checkId, String region) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            ExtLogRecord ext = ExtLogRecord.wrap(record);
            lines.add(new Line(ext.getFormattedMessage(), ext.getMdc(CheckLogContext.CHECK_ID),
                    ext.getMdc(CheckLogContext.REGION)));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void everyLineAboutACheckCarriesItsIdAndRegion() {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [80], "regions": ["eu-west", "us-east"]}
                """);
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(
                Verdicts.done(id, "eu-west", PortVerdict.of("127.0.0.1", 80, Reason.SYN_ACK, 300))));
        await("eu-west stored").atMost(Duration.ofSeconds(30)).until(() -> Sql.count(db,
                "SELECT count(*) FROM region_results WHERE check_id = ? AND status = 'DONE'", id) == 1);
        Sql.update(db, "UPDATE checks SET deadline = now() - interval '1 second' WHERE id = ?", id);
        await("us-east ended by the sweeper").atMost(Duration.ofSeconds(30)).until(() -> lines.stream()
                .anyMatch(line -> line.message().contains(id + ": region us-east UNAVAILABLE")));

        List<Line> aboutTheCheck = lines.stream().filter(line -> line.message().contains(id.toString())).toList();
        assertThat(aboutTheCheck).as("lines about check " + id).extracting(Line::message)
                .anyMatch(message -> message.contains("accepted"))
                .anyMatch(message -> message.contains("region eu-west answered DONE"))
                .anyMatch(message -> message.contains("region us-east UNAVAILABLE"));
        assertThat(aboutTheCheck).as("every line about the check carries its id")
                .allSatisfy(line -> assertThat(line.checkId()).as(line.message()).isEqualTo(id.toString()));
        assertThat(aboutTheCheck).filteredOn(line -> line.message().contains("region eu-west"))
                .allSatisfy(line -> assertThat(line.region()).as(line.message()).isEqualTo("eu-west"));
        assertThat(aboutTheCheck).filteredOn(line -> line.message().contains("region us-east"))
                .allSatisfy(line -> assertThat(line.region()).as(line.message()).isEqualTo("us-east"));
        assertThat(lines).filteredOn(line -> !line.message().contains(id.toString()))
                .as("the context is removed after the work on the check")
                .allSatisfy(line -> assertThat(line.checkId()).as(line.message()).isNotEqualTo(id.toString()));
    }
}
