package dev.parallax.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stack's orchestration with real PostgreSQL and Kafka, and {@link FakeQuarkusApp} in place of the
 * coordinator and agents (their own tests live in their modules; deploy/e2e runs the real ones).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LocalStackTest {

    @TempDir
    Path tmp;

    @AfterEach
    void unlinkBrokerLibs() throws IOException {
        // Before @TempDir cleanup, which would warn about a link pointing out of the temporary directory.
        Files.deleteIfExists(tmp.resolve("repo/deploy/kafka-broker/target/libs"));
    }

    @Test
    void unbuiltRepositoryFailsBeforeStartingAnything() {
        LocalStack stack = LocalStack.builder().repoRoot(tmp.resolve("repo")).workDir(tmp.resolve("work"))
                .environment(Map.of()).progress(line -> { }).build();
        assertThatThrownBy(stack::start)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("not built")
                .hasMessageContaining("Kafka broker jars")
                .hasMessageContaining("coordinator/target/quarkus-app/quarkus-run.jar")
                .hasMessageContaining("agent/target/quarkus-app/quarkus-run.jar")
                .hasMessageContaining("./mvnw -q -B -DskipTests package");
        assertThat(tmp.resolve("work/pgdata")).doesNotExist();
    }

    @Test
    void badSettingsAreRefusedAtBuild() {
        assertThatThrownBy(() -> LocalStack.builder().repoRoot(tmp).regions(List.of("eu west")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eu west");
        assertThatThrownBy(() -> LocalStack.builder().repoRoot(tmp).regions(List.of("a", "a")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> LocalStack.builder().repoRoot(tmp).regions(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LocalStack.builder().repoRoot(tmp).regions(List.of("a")).agents("b", 2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in [a]");
        assertThatThrownBy(() -> LocalStack.builder().agents("a", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agents per region");
    }

    @Test
    void runsEveryComponentWiresThemAndStopsThemAll() throws Exception {
        Path repo = fakeRepo();
        List<String> lines = new CopyOnWriteArrayList<>();
        Map<String, ProcessHandle> running;
        try (LocalStack stack = LocalStack.builder().repoRoot(repo).workDir(tmp.resolve("work"))
                .regions(List.of("eu-west", "us-east")).agents("us-east", 2).environment(Map.of()).progress(lines::add)
                .build().start()) {
            running = stack.processes();
            assertThat(running)
                    .containsOnlyKeys("postgres", "kafka", "coordinator", "agent-eu-west-1", "agent-us-east-1",
                            "agent-us-east-2");
            assertThat(stack.agents("us-east").ids()).containsExactly("us-east-1", "us-east-2");
            assertThat(running.values()).allMatch(ProcessHandle::isAlive);
            assertThat(get(stack.coordinator(1).managementUri().resolve("/q/health/ready"))).isEqualTo(200);

            assertThat(Files.readString(stack.logFile("coordinator"))).contains(
                    "property quarkus.http.host=127.0.0.1",
                    "property quarkus.http.port=" + stack.coordinator(1).httpPort(),
                    "property quarkus.management.host=127.0.0.1",
                    "property quarkus.management.port=" + stack.coordinator(1).managementUri().getPort(),
                    "property parallax.api.allowed-hosts=localhost,127.0.0.1,::1",
                    "property quarkus.datasource.jdbc.url=" + stack.postgres().jdbcUrl(),
                    "property quarkus.datasource.username=" + stack.postgres().username(),
                    "property kafka.bootstrap.servers=" + stack.kafkaBootstrap(),
                    "property parallax.regions.known=eu-west,us-east",
                    "property parallax.targets.allow=127.0.0.0/8,::1/128");
            assertThat(Files.readString(stack.logFile("agent-us-east-1"))).contains(
                    "property quarkus.http.port=" + stack.agent("us-east-1").httpPort(),
                    "property kafka.bootstrap.servers=" + stack.kafkaBootstrap(),
                    "property parallax.agent.region=us-east",
                    "property parallax.agent.id=us-east-1",
                    "property parallax.targets.allow=127.0.0.0/8,::1/128");
            assertThat(tmp.resolve("work/run/coordinator.pid")).exists();

            LocalStack second = LocalStack.builder().repoRoot(repo).workDir(tmp.resolve("work"))
                    .environment(Map.of()).progress(line -> { }).build();
            assertThatThrownBy(second::start).isInstanceOf(StartupException.class)
                    .hasMessageContaining("in use by another launcher (pid " + ProcessHandle.current().pid() + ")");
            assertThat(running.values()).as("a refused launcher touches nothing").allMatch(ProcessHandle::isAlive);

            stack.agent("us-east-2").kill();
            assertThat(Processes.isGone(running.get("agent-us-east-2"))).as("killed with SIGKILL").isTrue();
            assertThat(stack.agents("us-east").isRunning()).as("its peer still runs").isTrue();
            stack.agents("us-east").stop();
            assertThat(stack.agents("us-east").isRunning()).isFalse();
            // Exited, though the JDK may not have reaped it yet: a zombie counts as gone, as in Processes.isGone.
            assertThat(Processes.isGone(running.get("agent-us-east-1"))).as("stopped with SIGTERM").isTrue();
            stack.agents("us-east").start();
            assertThat(stack.agents("us-east").isRunning()).isTrue();
            assertThat(stack.processes()).as("both agents of us-east run again")
                    .containsKeys("agent-us-east-1", "agent-us-east-2");
            assertThat(stack.unexpectedExit()).as("asked-for stops are not crashes").isNotDone();

            int crashingPort = stack.agent("eu-west-1").httpPort();
            get(URI.create("http://127.0.0.1:" + crashingPort + "/exit"));
            LocalStack.ComponentExit exit = stack.unexpectedExit().get(20, TimeUnit.SECONDS);
            assertThat(exit.component()).isEqualTo("agent-eu-west-1");
            assertThat(exit.detail()).isEqualTo("exited with code 3");
            assertThat(exit.logFile()).isEqualTo(stack.logFile("agent-eu-west-1"));
            running = stack.processes();
        }
        assertThat(running.values()).allMatch(Processes::isGone);
        try (Stream<Path> files = Files.list(tmp.resolve("work/run"))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".pid"));
        }
        assertThat(lines).anyMatch(l -> l.startsWith("stack up"));
    }

    @Test
    void componentsTakenDownOnPurposeComeBackOnTheirPortsWithTheirData() throws Exception {
        Path repo = fakeRepo();
        List<String> lines = new CopyOnWriteArrayList<>();
        try (LocalStack stack = LocalStack.builder().repoRoot(repo).workDir(tmp.resolve("work"))
                .regions(List.of("eu-west")).coordinators(2).environment(Map.of()).progress(lines::add)
                .build().start()) {
            Map<String, ProcessHandle> before = stack.processes();

            stack.coordinator(1).kill();
            assertThat(Processes.isGone(before.get("coordinator"))).as("killed with SIGKILL").isTrue();
            assertThat(stack.processes()).doesNotContainKey("coordinator").containsKey("coordinator-2");
            assertThat(Loopback.accepts(stack.coordinator(1).httpPort())).isFalse();
            assertThat(tmp.resolve("work/run/coordinator.pid")).doesNotExist();
            URI management = stack.coordinator(1).managementUri();
            stack.coordinator(1).start(Map.of("parallax.restart.note", "configured otherwise"));
            assertThat(stack.coordinator(1).managementUri()).as("the management port is kept across a restart")
                    .isEqualTo(management);
            assertThat(get(management.resolve("/q/health/ready"))).isEqualTo(200);
            ProcessHandle restarted = stack.processes().get("coordinator");
            assertThat(restarted).isNotEqualTo(before.get("coordinator"));
            stack.coordinator(1).start();
            assertThat(stack.processes().get("coordinator")).as("already running: left alone").isEqualTo(restarted);
            assertThat(Files.readString(stack.logFile("coordinator"))).contains(
                    "property parallax.restart.note=configured otherwise",
                    "property quarkus.http.port=" + stack.coordinator(1).httpPort(),
                    "property quarkus.datasource.jdbc.url=" + stack.postgres().jdbcUrl(),
                    "property kafka.bootstrap.servers=" + stack.kafkaBootstrap());
            URI replica = stack.coordinator(2).baseUri();
            stack.coordinator(2).kill();
            assertThat(Processes.isGone(before.get("coordinator-2"))).isTrue();
            stack.coordinator(2).start();
            assertThat(stack.coordinator(2).baseUri()).isEqualTo(replica);
            assertThat(get(stack.coordinator(2).managementUri().resolve("/q/health/ready"))).isEqualTo(200);
            assertThatThrownBy(() -> stack.coordinator(3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> stack.coordinator(0)).isInstanceOf(IllegalArgumentException.class);

            String jdbcUrl = stack.postgres().jdbcUrl();
            int postgresPort = URI.create(jdbcUrl.substring("jdbc:".length())).getPort();
            try (Connection c = stack.postgres().connect();
                 Statement s = c.createStatement()) {
                s.execute("create table kept (v text)");
                s.execute("insert into kept values ('before the outage')");
            }
            stack.postgres().stop();
            assertThat(Processes.isGone(before.get("postgres"))).isTrue();
            assertThat(stack.processes()).doesNotContainKey("postgres");
            assertThat(Loopback.accepts(postgresPort)).isFalse();
            stack.postgres().start();
            assertThat(stack.postgres().jdbcUrl()).isEqualTo(jdbcUrl);
            try (Connection c = stack.postgres().connect();
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select v from kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("before the outage");
            }

            String bootstrap = stack.kafkaBootstrap();
            String clusterId = clusterId(bootstrap);
            stack.broker().stop();
            assertThat(Processes.isGone(before.get("kafka"))).isTrue();
            assertThat(stack.processes()).doesNotContainKey("kafka");
            int kafkaPort = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            assertThat(Loopback.accepts(kafkaPort)).isFalse();
            stack.broker().start();
            assertThat(stack.kafkaBootstrap()).isEqualTo(bootstrap);
            assertThat(clusterId(bootstrap)).isEqualTo(clusterId);

            assertThat(stack.processes())
                    .containsOnlyKeys("postgres", "kafka", "coordinator", "coordinator-2", "agent-eu-west-1");
            assertThat(stack.processes().values()).allMatch(ProcessHandle::isAlive);
            assertThat(stack.unexpectedExit()).as("asked-for stops are not crashes").isNotDone();
        }
        assertThat(lines).contains("coordinator killed (SIGKILL)", "coordinator-2 killed (SIGKILL)",
                "PostgreSQL stopped", "Kafka broker stopped");
        assertThat(lines).anyMatch(l -> l.startsWith("coordinator ready again on"))
                .anyMatch(l -> l.startsWith("PostgreSQL ready again on"))
                .anyMatch(l -> l.startsWith("Kafka broker ready again on"));
    }

    @Test
    void externalPostgresCannotBeStoppedOrStarted() throws Exception {
        Path repo = fakeRepo();
        // Nothing connects to it: the fake apps ignore the datasource.
        String url = "jdbc:postgresql://127.0.0.1:" + Processes.freePort() + "/parallax";
        try (LocalStack stack = LocalStack.builder().repoRoot(repo).workDir(tmp.resolve("work"))
                .regions(List.of("eu-west")).environment(Map.of(PostgresServer.ENV_JDBC_URL, url))
                .progress(line -> { }).build().start()) {
            assertThatThrownBy(() -> stack.postgres().stop()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("external").hasMessageContaining(url);
            assertThatThrownBy(() -> stack.postgres().start()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("external");
        }
    }

    @Test
    void componentsCanBeReachedOnlyOnceTheStackStarted() {
        LocalStack stack = LocalStack.builder().repoRoot(tmp).workDir(tmp.resolve("work")).environment(Map.of())
                .progress(line -> { }).build();
        assertThatThrownBy(stack::broker).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not been started");
        assertThatThrownBy(() -> stack.coordinator(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(stack::postgres).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stack.agents("eu-west")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failedStartStopsWhatAlreadyRuns() throws Exception {
        Path repo = fakeRepo();
        Path work = tmp.resolve("work");
        LocalStack stack = LocalStack.builder().repoRoot(repo).workDir(work).regions(List.of("eu-west"))
                .agentProperties(Map.of("fake.fail", "true")).environment(Map.of()).progress(line -> { }).build();
        assertThatThrownBy(stack::start)
                .isInstanceOfSatisfying(StartupException.class,
                        e -> assertThat(e.component()).isEqualTo("agent-eu-west-1"))
                .hasMessageContaining("exited with code 1 before it was ready")
                .hasMessageContaining("fake startup failure");
        assertThat(stack.processes()).isEmpty();
        assertThat(processesMentioning(work)).as("no broker or postgres left on " + work).isEmpty();
        assertThat(processesMentioning(repo)).as("no app left from " + repo).isEmpty();
        assertThat(work.resolve("pgdata/postmaster.pid")).doesNotExist();
    }

    private static List<String> processesMentioning(Path path) {
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(cmd -> cmd.contains(path.toString()))
                .toList();
    }

    /** A repository layout whose "apps" are manifest-only jars that run {@link FakeQuarkusApp}. */
    private Path fakeRepo() throws IOException, URISyntaxException {
        Path repo = tmp.resolve("repo");
        Path libs = repo.resolve("deploy/kafka-broker/target/libs");
        Files.createDirectories(libs.getParent());
        Files.createSymbolicLink(libs, TestRepo.brokerLibs());
        Path testClasses = Path.of(FakeQuarkusApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (String module : List.of("coordinator", "agent")) {
            Path jar = repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
            Files.createDirectories(jar.getParent());
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeQuarkusApp.class.getName());
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, testClasses.toUri().toString());
            try (OutputStream out = Files.newOutputStream(jar);
                 JarOutputStream ignored = new JarOutputStream(out, manifest)) {
                // The manifest is the whole jar.
            }
        }
        return repo;
    }

    private static String clusterId(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    private static int get(URI uri) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
