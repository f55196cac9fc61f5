package dev.parallax.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a {@link KafkaBroker} keeps on disk: its configuration, written again at every start since the ports may
 * change; its cluster id, kept; and {@code data/}, formatted once (while {@code data/meta.properties} is missing),
 * so that topics and committed offsets survive restarts.
 */
final class BrokerDirectory {

    private static final String COMPONENT = "kafka";
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

    // Console only: the process's stdout is the log file, so JVM crashes and log4j output end up together.
    // AbstractConfig prints every config value at INFO, several hundred lines per start.
    private static final String LOG4J2_PROPERTIES = """
            status = warn
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.target = SYSTEM_OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = info
            rootLogger.appenderRef.out.ref = OUT
            logger.config.name = org.apache.kafka.common.config.AbstractConfig
            logger.config.level = warn
            logger.statechange.name = state.change.logger
            logger.statechange.level = warn
            """;

    private final Path libs;
    private final Path directory;
    private final Path logFile;

    /**
     * @param libs      the broker's jars, which the storage tool runs from
     * @param directory the broker's own directory
     * @param logFile   where the storage tool's output goes, beside the broker's
     */
    BrokerDirectory(Path libs, Path directory, Path logFile) {
        this.libs = libs;
        this.directory = directory;
        this.logFile = logFile;
    }

    static void requireBrokerJars(Path libs) {
        if (!hasBrokerJars(libs)) {
            throw new StartupException(COMPONENT, "no Kafka broker jars in " + libs
                    + ": build them with `./mvnw -q -B -DskipTests package` (module deploy/kafka-broker)");
        }
    }

    static boolean hasBrokerJars(Path libs) {
        try (Stream<Path> files = Files.isDirectory(libs) ? Files.list(libs) : Stream.empty()) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes {@code server.properties} and {@code log4j2.properties}; returns the former. */
    Path writeConfiguration(int port, int controllerPort, InetSocketAddress extraListener) throws IOException {
        Files.createDirectories(directory);
        Path serverProperties = directory.resolve("server.properties");
        Files.writeString(serverProperties,
                serverProperties(directory.resolve("data"), port, controllerPort, extraListener));
        Files.writeString(log4jConfiguration(), LOG4J2_PROPERTIES);
        return serverProperties;
    }

    Path log4jConfiguration() {
        return directory.resolve("log4j2.properties");
    }

    /** The stored cluster id, or a new one, stored, when there is none or it cannot be used. */
    String clusterId() throws IOException {
        Path file = directory.resolve("cluster.id");
        if (Files.exists(file)) {
            String stored = Files.readString(file).trim();
            if (isUsableClusterId(stored)) {
                return stored;
            }
        }
        String id = newClusterId();
        Files.writeString(file, id + "\n");
        return id;
    }

    /**
     * 16 random bytes in unpadded base64url (22 characters), as Kafka's own Uuid.randomUuid, which likewise
     * never returns an id starting with '-': the storage tool's argument parser would read it as an option.
     */
    static String newClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] uuid = new byte[16];
        String id;
        do {
            random.nextBytes(uuid);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(uuid);
        } while (!isUsableClusterId(id));
        return id;
    }

    private static boolean isUsableClusterId(String id) {
        return id.length() == 22 && !id.startsWith("-") && id.matches("[A-Za-z0-9_-]+");
    }

    /** Formats the storage with {@code clusterId} unless it was formatted before. */
    void formatOnce(String clusterId) throws IOException {
        if (Files.exists(directory.resolve("data").resolve("meta.properties"))) {
            return;
        }
        Process format = new ProcessBuilder(Processes.javaBinary(), "-Xmx256m",
                "-Dlog4j2.configurationFile=" + log4jConfiguration(), "-cp", libs + "/*",
                "kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
                directory.resolve("server.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        try {
            if (!format.waitFor(FORMAT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new StartupException(COMPONENT, "formatting the storage took over "
                        + FORMAT_TIMEOUT.toSeconds() + " s\n" + Processes.tail(logFile));
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartupException(COMPONENT, "interrupted while formatting the storage", e);
        }
        if (format.exitValue() != 0) {
            throw new StartupException(COMPONENT, "formatting the storage failed (exit " + format.exitValue()
                    + ")\n" + Processes.tail(logFile));
        }
    }

    private static String serverProperties(Path dataDir, int port, int controllerPort,
                                           InetSocketAddress extraListener) {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by the Parallax local stack at every start; edits here are overwritten.");
        lines.add("process.roles=broker,controller");
        lines.add("node.id=1");
        lines.add("controller.quorum.voters=1@127.0.0.1:" + controllerPort);
        String extra = extraListener == null ? ""
                : ",VANTAGE://" + extraListener.getAddress().getHostAddress() + ":" + extraListener.getPort();
        lines.add("listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + extra);
        lines.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + port + extra);
        lines.add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                + (extraListener == null ? "" : ",VANTAGE:PLAINTEXT"));
        lines.add("controller.listener.names=CONTROLLER");
        lines.add("inter.broker.listener.name=PLAINTEXT");
        lines.add("log.dirs=" + dataDir);
        lines.add("num.partitions=3");
        lines.add("auto.create.topics.enable=true");
        lines.add("group.initial.rebalance.delay.ms=0");
        lines.add("offsets.topic.replication.factor=1");
        // The default 50 partitions make the first consumer-group join wait seconds on a 2-core machine.
        lines.add("offsets.topic.num.partitions=5");
        lines.add("transaction.state.log.replication.factor=1");
        lines.add("transaction.state.log.min.isr=1");
        lines.add("share.coordinator.state.topic.replication.factor=1");
        lines.add("share.coordinator.state.topic.min.isr=1");
        return String.join("\n", lines) + "\n";
    }
}
