package dev.parallax.e2e.deployment;

import com.sun.net.httpserver.HttpServer;
import dev.parallax.local.LocalStack;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.parallax.e2e.deployment.Repository.child;
import static dev.parallax.e2e.deployment.Repository.map;
import static dev.parallax.e2e.deployment.Repository.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml and the Dockerfiles it builds, read without a Docker engine: what runs, what each image is
 * built from, what the apps wait for, and that their health checks tell ready from not ready.
 */
class DockerComposeTest {

    static final Path COMPOSE = Repository.file("docker-compose.yml");
    /** {@code ENV NAME="value"}, the one form the Dockerfiles use. */
    private static final Pattern DOCKERFILE_ENV = Pattern.compile("ENV ([A-Z_]+)=\"([^\"]*)\"");

    static Map<String, Object> services() {
        return child(Repository.yamlMap(COMPOSE), "services");
    }

    static Map<String, Object> service(String name) {
        return map(services().get(name), "service " + name);
    }

    /** A service's environment, written as a mapping or as a list of NAME=value. */
    static Map<String, String> environment(Map<String, Object> service) {
        Object environment = service.get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((name, value) -> variables.put(String.valueOf(name), String.valueOf(value)));
        } else if (environment instanceof List<?> entries) {
            entries.forEach(entry -> {
                String[] parts = String.valueOf(entry).split("=", 2);
                variables.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
        }
        return variables;
    }

    static List<String> agentServices() {
        return services().keySet().stream().filter(name -> App.named(name) == App.AGENT).toList();
    }

    static int httpPort(App app) {
        return Integer.parseInt(properties(app).getProperty("quarkus.http.port"));
    }

    /** Where the app serves health and metrics: its management port when it has one, else its HTTP port. */
    static int healthPort(App app) {
        Properties properties = properties(app);
        return Boolean.parseBoolean(properties.getProperty("quarkus.management.enabled"))
                ? Integer.parseInt(properties.getProperty("quarkus.management.port")) : httpPort(app);
    }

    /** The ports the app listens on, as its Dockerfile's EXPOSE lists them. */
    static String exposedPorts(App app) {
        return healthPort(app) == httpPort(app) ? String.valueOf(httpPort(app))
                : httpPort(app) + " " + healthPort(app);
    }

    private static Properties properties(App app) {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(app.applicationProperties())) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    @Test
    void composeRunsKafkaPostgresTheCoordinatorAndOneAgentPerKnownRegion() {
        assertThat(services()).containsKeys("kafka", "postgres", "coordinator");
        Set<String> known = Set.of(environment(service("coordinator")).get("PARALLAX_REGIONS_KNOWN").split(","));
        List<String> agentRegions = agentServices().stream()
                .map(name -> environment(service(name)).get("PARALLAX_AGENT_REGION")).toList();
        assertThat(agentRegions).as("PARALLAX_AGENT_REGION of the agent services").hasSize(3)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(known);
    }

    @Test
    void everyServiceRunsAPinnedImageOrBuildsFromADockerfileThatExists() {
        services().forEach((name, value) -> {
            Map<String, Object> service = map(value, name);
            if (service.containsKey("image")) {
                assertThat(String.valueOf(service.get("image"))).as("the image of " + name)
                        .matches("[^:]+:[^:]+").doesNotEndWith(":latest");
            } else {
                Map<String, Object> build = child(service, "build");
                Path context = COMPOSE.getParent().resolve(String.valueOf(build.get("context"))).normalize();
                App app = App.named(name);
                assertThat(app).as("the app service " + name + " builds").isNotNull();
                assertThat(context).as("the build context of " + name).isEqualTo(app.moduleDir());
                assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).as("the Dockerfile of " + name)
                        .isEqualTo(app.dockerfile()).isRegularFile();
            }
        });
    }

    @Test
    void theDockerfilesCopyWhatThePackageProducesAndTheBuildContextLetsThrough() {
        for (App app : App.values()) {
            List<String> lines = Repository.read(app.dockerfile()).lines().map(String::strip).toList();
            List<List<String>> copies = lines.stream().filter(line -> line.startsWith("COPY "))
                    .map(line -> Arrays.stream(line.split("\\s+")).skip(1).filter(word -> !word.startsWith("--"))
                            .toList())
                    .toList();
            assertThat(copies).as("COPY instructions of " + app.dockerfile()).isNotEmpty();
            for (List<String> copy : copies) {
                for (String source : copy.subList(0, copy.size() - 1)) {
                    assertThat(source).as("a COPY source of " + app.dockerfile()).startsWith("target/quarkus-app/");
                    List<Path> matches = matching(app.moduleDir(), source);
                    assertThat(matches).as(source + " in " + app.moduleDir() + " after ./mvnw package").isNotEmpty();
                    matches.forEach(match -> assertThat(ignoredByDocker(app.moduleDir(), match))
                            .as(match + " is left out of the build context by " + app.module + "/.dockerignore")
                            .isFalse());
                }
            }
            assertThat(lines).as(app.dockerfile() + ": the fast-jar's launcher, a user other than root, the app's port")
                    .contains("ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"", "USER 185",
                            "EXPOSE " + exposedPorts(app))
                    .anyMatch(line -> line.startsWith("FROM "));
        }
    }

    @Test
    void theImagesRunTheJvmWithTheOptionsTheLocalStackWasMeasuredWith() {
        Map<App, List<String>> measured = Map.of(App.COORDINATOR, LocalStack.COORDINATOR_JVM_OPTIONS,
                App.AGENT, LocalStack.AGENT_JVM_OPTIONS);
        for (App app : App.values()) {
            Map<String, String> env = new LinkedHashMap<>();
            Repository.read(app.dockerfile()).lines().map(String::strip)
                    .map(DOCKERFILE_ENV::matcher).filter(Matcher::matches)
                    .forEach(line -> env.put(line.group(1), line.group(2)));
            List<String> options = new ArrayList<>();
            options.addAll(Arrays.asList(env.getOrDefault("GC_CONTAINER_OPTIONS", "").split("\\s+")));
            options.addAll(Arrays.asList(env.getOrDefault("JAVA_OPTS_APPEND", "").split("\\s+")));
            assertThat(options).as(app.dockerfile() + ": GC_CONTAINER_OPTIONS and JAVA_OPTS_APPEND carry the JVM "
                    + "options of LocalStack, which the system benchmark measured").containsAll(measured.get(app));
            assertThat(env.get("GC_CONTAINER_OPTIONS")).as(app.dockerfile() + ": the collector replaces run-java.sh's "
                    + "default, with which a second collector would not start").startsWith("-XX:+Use");
        }
    }

    @Test
    void theAppsStartOnceWhatTheyNeedIsHealthy() {
        assertThat(text(service("kafka"), "healthcheck", "test")).as("kafka's health check").isNotNull();
        assertThat(text(service("postgres"), "healthcheck", "test")).as("postgres's health check").isNotNull();
        assertThat(text(service("coordinator"), "depends_on", "kafka", "condition")).isEqualTo("service_healthy");
        assertThat(text(service("coordinator"), "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
        for (String agent : agentServices()) {
            assertThat(text(service(agent), "depends_on", "kafka", "condition")).as(agent + " waits for kafka")
                    .isEqualTo("service_healthy");
        }
    }

    @Test
    void theAppsHealthChecksAskForReadinessWhereTheAppServesIt() {
        List<String> apps = new ArrayList<>(agentServices());
        apps.add("coordinator");
        for (String name : apps) {
            String script = healthCheckScript(name);
            assertThat(script).as("the health check of " + name)
                    .contains("/dev/tcp/127.0.0.1/" + healthPort(App.named(name)) + " ")
                    .contains("GET /q/health/ready ");
        }
    }

    @Test
    void aHealthCheckPassesOnlyWhenReadinessAnswers200() throws Exception {
        Tool bash = Tool.onPath("bash", "install bash");
        AtomicInteger status = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        int released;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            released = socket.getLocalPort();
        }
        try {
            for (String name : Stream.concat(Stream.of("coordinator"), agentServices().stream()).toList()) {
                String script = healthCheckScript(name).replace("$$", "$");
                String port = "/dev/tcp/127.0.0.1/" + healthPort(App.named(name)) + " ";
                String atServer = script.replace(port, "/dev/tcp/127.0.0.1/" + server.getAddress().getPort() + " ");
                status.set(200);
                assertThat(bash.run(Repository.root(), "-c", atServer).exitCode()).as(name + ": ready (200)").isZero();
                status.set(503);
                assertThat(bash.run(Repository.root(), "-c", atServer).exitCode()).as(name + ": not ready (503)")
                        .isNotZero();
                String atNothing = script.replace(port, "/dev/tcp/127.0.0.1/" + released + " ");
                assertThat(bash.run(Repository.root(), "-c", atNothing).exitCode()).as(name + ": nothing listening")
                        .isNotZero();
            }
        } finally {
            server.stop(0);
        }
    }

    /** The script of a service's health check, which runs as ["CMD", "bash", "-c", script]. */
    private static String healthCheckScript(String name) {
        List<Object> test = Repository.list(child(service(name), "healthcheck"), "test");
        assertThat(test).as("the health check of " + name).hasSize(4).startsWith("CMD", "bash", "-c");
        return String.valueOf(test.get(3));
    }

    /** The files and directories under {@code dir} that a COPY source (a glob) names. */
    private static List<Path> matching(Path dir, String source) {
        String glob = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> paths = Files.walk(dir, glob.split("/").length)) {
            return paths.filter(path -> matcher.matches(dir.relativize(path))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether .dockerignore leaves a path out of the build context: the last pattern that matches the path or one
     * of its parents decides, a '!' pattern letting it through.
     */
    private static boolean ignoredByDocker(Path context, Path path) {
        Path ignoreFile = context.resolve(".dockerignore");
        if (!Files.isRegularFile(ignoreFile)) {
            return false;
        }
        List<String> patterns = Repository.read(ignoreFile).lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        Path relative = context.relativize(path);
        Set<Path> candidates = new TreeSet<>();
        for (Path p = relative; p != null; p = p.getParent()) {
            candidates.add(p);
        }
        boolean ignored = false;
        for (String pattern : patterns) {
            boolean exception = pattern.startsWith("!");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + (exception
                    ? pattern.substring(1) : pattern).replaceAll("/+$", ""));
            if (candidates.stream().anyMatch(matcher::matches)) {
                ignored = !exception;
            }
        }
        return ignored;
    }
}
