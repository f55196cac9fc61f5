package dev.parallax.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * PostgreSQL for the local stack: an embedded server (zonky's binaries from Maven Central) whose data directory
 * survives restarts, or an existing server named by {@code PARALLAX_JDBC_URL}.
 *
 * <p>PostgreSQL refuses to run as root. zonky 2.2.x handles that itself: when the JVM runs as uid 0 it starts
 * initdb, pg_ctl and postgres through {@code unshare -U}, a fresh user namespace in which the process is the
 * unmapped user 65534, not root. Files on disk stay owned by root, so the data directory stays usable across
 * runs. Where user namespaces are forbidden (some container runtimes' seccomp profiles) that cannot work, and
 * {@link #start} says so instead of letting initdb fail with "cannot be run as root".
 */
public final class PostgresServer implements AutoCloseable {

    public static final String ENV_JDBC_URL = "PARALLAX_JDBC_URL";
    public static final String ENV_JDBC_USER = "PARALLAX_JDBC_USER";
    public static final String ENV_JDBC_PASSWORD = "PARALLAX_JDBC_PASSWORD";

    /** The application database created on the embedded server; "postgres" stays the maintenance database. */
    public static final String DATABASE = "parallax";

    private static final String SUPERUSER = "postgres";
    // zonky's initdb sets "trust" authentication on loopback, so any password is accepted; a non-empty one keeps
    // clients that treat an empty value as "not configured" (Quarkus config does) from falling back to defaults.
    private static final String PASSWORD = "postgres";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(15);

    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final int port;
    private final ProcessHandle postmaster;
    private final Path logFile;

    private PostgresServer(EmbeddedPostgres embedded, String jdbcUrl, String username, String password, int port,
                           ProcessHandle postmaster, Path logFile) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.port = port;
        this.postmaster = postmaster;
        this.logFile = logFile;
    }

    /**
     * Starts an embedded server on {@code port} (0 = a free one), initialising {@code dataDirectory} only if it
     * holds no cluster yet, and creates the {@value #DATABASE} database if missing. Server output goes to
     * {@code logFile}.
     */
    public static PostgresServer start(Path dataDirectory, int port, Path logFile) {
        Path dataDir = dataDirectory.toAbsolutePath();
        Path log = logFile.toAbsolutePath();
        try {
            refuseRootWithoutUserNamespaces();
            Files.createDirectories(dataDir);
            Processes.rotate(log);
            stopOrphanPostmaster(dataDir);
            int chosenPort = Processes.portOrFree(port);
            EmbeddedPostgres embedded;
            try {
                embedded = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(chosenPort)
                        // The stack stops PostgreSQL last, after the apps; zonky's own hook would race that.
                        .setRegisterShutdownHook(false)
                        .setPGStartupWait(STARTUP_WAIT)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        // Pinned so that initdb does not depend on the locales this machine happens to have.
                        .setLocaleConfig("locale", "C")
                        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException | RuntimeException e) {
                throw new StartupException("postgres", "embedded PostgreSQL did not start in " + dataDir + ": "
                        + e.getMessage() + "\n" + Processes.tail(log), e);
            }
            PostgresServer server = new PostgresServer(embedded, jdbcUrl(chosenPort, DATABASE), SUPERUSER, PASSWORD,
                    chosenPort, readPostmaster(dataDir).orElse(null), log);
            try {
                server.createDatabaseIfMissing();
            } catch (SQLException | RuntimeException e) {
                server.close();
                throw new StartupException("postgres", "could not create database " + DATABASE + ": "
                        + e.getMessage(), e);
            }
            return server;
        } catch (IOException e) {
            throw new StartupException("postgres", "cannot prepare " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** An existing server; nothing is started and {@link #close()} does nothing. */
    public static PostgresServer external(String jdbcUrl, String username, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return new PostgresServer(null, jdbcUrl, username == null ? "" : username, password == null ? "" : password,
                -1, null, null);
    }

    /**
     * The server named by {@value #ENV_JDBC_URL} (with {@value #ENV_JDBC_USER}, default "postgres", and
     * {@value #ENV_JDBC_PASSWORD}, default empty) in {@code environment}, if that variable is set.
     */
    public static Optional<PostgresServer> fromEnvironment(Map<String, String> environment) {
        String url = environment.get(ENV_JDBC_URL);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(external(url.trim(), environment.getOrDefault(ENV_JDBC_USER, SUPERUSER),
                environment.getOrDefault(ENV_JDBC_PASSWORD, "")));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** True when this object started the server (and {@link #close()} stops it). */
    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The embedded server's port; -1 for an external server. */
    public int port() {
        return port;
    }

    /** The postmaster of the embedded server (the process that keeps running after pg_ctl returned). */
    public Optional<ProcessHandle> process() {
        return Optional.ofNullable(postmaster);
    }

    /** Where the embedded server logs; empty for an external server. */
    public Optional<Path> logFile() {
        return Optional.ofNullable(logFile);
    }

    /** Opens a connection with this server's credentials (handy in tests and checks). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password);
    }

    /** Stops the embedded server (fast shutdown) and waits until the postmaster is gone; idempotent. */
    @Override
    public void close() {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } catch (IOException e) {
            // zonky logs its own pg_ctl failures; the postmaster is checked below either way.
        }
        if (postmaster != null && !Processes.awaitExit(postmaster, Duration.ofSeconds(10))) {
            killPostmaster(postmaster);
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + jdbcUrl + (isEmbedded() ? ", embedded" : ", external") + "]";
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(port, "postgres"), SUPERUSER, PASSWORD);
             PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("create database " + DATABASE);
            }
        }
    }

    private static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static void refuseRootWithoutUserNamespaces() {
        if (!isRoot() || LinuxUtils.isUnshareAvailable()) {
            return;
        }
        throw new StartupException("postgres", """
                PostgreSQL refuses to run as root, and this machine does not allow the user namespace \
                (`unshare -U`) that embedded PostgreSQL uses to run as an unprivileged user when started by root. \
                Run the launcher as a non-root user, allow unprivileged user namespaces (in a container: a seccomp \
                profile that permits unshare/clone with CLONE_NEWUSER), or point the stack at an existing server \
                with %s (and %s, %s).""".formatted(ENV_JDBC_URL, ENV_JDBC_USER, ENV_JDBC_PASSWORD));
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * A launcher killed with SIGKILL leaves its postmaster running, and a new one then refuses the data directory
     * ("lock file postmaster.pid already exists"). zonky's epg-lock, held by every live zonky instance, tells an
     * orphan apart from a server another launcher is still using.
     */
    private static void stopOrphanPostmaster(Path dataDir) throws IOException {
        Optional<ProcessHandle> running = readPostmaster(dataDir).filter(p -> !Processes.isGone(p));
        if (running.isEmpty()) {
            return;
        }
        Path lockFile = dataDir.resolve("epg-lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new StartupException("postgres", dataDir + " is in use by another running launcher (pid "
                        + running.get().pid() + " serves it); stop that one or use another data directory");
            }
        } catch (OverlappingFileLockException e) {
            throw new StartupException("postgres", dataDir + " is already served by a PostgresServer in this JVM");
        }
        boolean isPostgres = running.get().info().command().map(c -> c.contains("postgres")).orElse(true);
        if (isPostgres) {
            System.err.println("[parallax-local] stopping orphaned PostgreSQL (pid " + running.get().pid()
                    + ") left on " + dataDir + " by an earlier run");
            running.get().destroy();
            if (!Processes.awaitExit(running.get(), ORPHAN_GRACE)) {
                killPostmaster(running.get());
            }
        }
    }

    /** SIGKILL the backends too: a postmaster killed alone leaves them holding its shared memory segment. */
    private static void killPostmaster(ProcessHandle postmaster) {
        postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
        postmaster.destroyForcibly();
        Processes.awaitExit(postmaster, Duration.ofSeconds(10));
    }

    private static Optional<ProcessHandle> readPostmaster(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(pidFile)) {
            return lines.findFirst().map(String::trim).filter(s -> s.matches("\\d+"))
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
