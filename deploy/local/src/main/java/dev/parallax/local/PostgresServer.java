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
 * survives restarts, or an existing server named by {@code PARALLAX_JDBC_URL}. The embedded one can be stopped and
 * started again on its port and its data, as an outage would look to its clients; its {@link ComponentListener}
 * hears of a postmaster that ends without being asked to.
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

    private static final String COMPONENT = "postgres";
    private static final String SUPERUSER = "postgres";
    // zonky's initdb sets "trust" authentication on loopback, so any password is accepted; a non-empty one keeps
    // clients that treat an empty value as "not configured" (Quarkus config does) from falling back to defaults.
    private static final String PASSWORD = "postgres";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(15);

    // Null for an external server.
    private final Path dataDir;
    private final Path logFile;
    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final int port;
    private final ComponentListener listener;

    // Guarded by this: the running server, both null while stopped.
    private EmbeddedPostgres embedded;
    private ProcessHandle postmaster;
    private boolean started;
    private boolean closed;

    private PostgresServer(Path dataDir, Path logFile, String jdbcUrl, String username, String password, int port,
                           ComponentListener listener) {
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.port = port;
        this.listener = listener;
    }

    /**
     * Starts an embedded server on {@code port} (0 = a free one), initialising {@code dataDirectory} only if it
     * holds no cluster yet, and creates the {@value #DATABASE} database if missing. Server output goes to
     * {@code logFile}.
     */
    public static PostgresServer start(Path dataDirectory, int port, Path logFile) {
        PostgresServer server = embedded(dataDirectory, port, logFile, ComponentListener.NONE);
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * An embedded server, not started yet: {@link #start()} starts it. Its port (0 = a free one) is chosen now
     * and kept across restarts, so that {@link #jdbcUrl()} holds from the beginning.
     */
    public static PostgresServer embedded(Path dataDirectory, int port, Path logFile, ComponentListener listener) {
        int chosenPort = Processes.portOrFree(port);
        return new PostgresServer(dataDirectory.toAbsolutePath(), logFile.toAbsolutePath(),
                jdbcUrl(chosenPort, DATABASE), SUPERUSER, PASSWORD, chosenPort, Objects.requireNonNull(listener));
    }

    /** An existing server; nothing is started, {@link #close()} does nothing, and start and stop are refused. */
    public static PostgresServer external(String jdbcUrl, String username, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return new PostgresServer(null, null, jdbcUrl, username == null ? "" : username,
                password == null ? "" : password, -1, ComponentListener.NONE);
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

    /**
     * Starts the embedded server and waits until it accepts connections; a no-op while it runs. Started again
     * (after {@link #stop()} or a crash) it keeps its data directory, where nothing is initialised or dropped, and
     * its port, so that {@link #jdbcUrl()} stays valid for its clients; as root, in a user namespace as at the
     * first start.
     *
     * @throws IllegalStateException for an external server, which was not started here, or once closed
     * @throws StartupException      if the port is taken at a restart, or the server does not start
     */
    public void start() {
        requireEmbedded();
        long begin = System.nanoTime();
        boolean again;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("PostgreSQL on " + dataDir + " is closed");
            }
            if (isRunning()) {
                return;
            }
            // Crashed: its object still holds zonky's lock on the data directory.
            stopServer();
            again = started;
            if (again) {
                Processes.requirePortFree(COMPONENT, port);
            }
            launch();
            started = true;
        }
        if (again) {
            listener.progress("PostgreSQL ready again on " + jdbcUrl + Processes.since(begin));
        }
    }

    /**
     * Stops the embedded server (fast shutdown: open transactions are rolled back, clients disconnected), as a
     * database outage would look to its clients, and returns once the postmaster is gone; a no-op if it is not
     * running. Not an unexpected exit; {@link #start()} starts it again with its data.
     *
     * @throws IllegalStateException for an external server, which was not started here
     */
    public void stop() {
        requireEmbedded();
        if (stopServer()) {
            listener.progress("PostgreSQL stopped");
        }
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

    /** True when this object runs the server (and {@link #stop()} stops it), false for an external one. */
    public boolean isEmbedded() {
        return dataDir != null;
    }

    /** Whether the embedded server runs; false for an external one, which this object knows nothing about. */
    public synchronized boolean isRunning() {
        return embedded != null && (postmaster == null || !Processes.isGone(postmaster));
    }

    /** The embedded server's port; -1 for an external server. */
    public int port() {
        return port;
    }

    /**
     * The postmaster of the running embedded server (the process that keeps running after pg_ctl returned);
     * empty while stopped and for an external server.
     */
    public synchronized Optional<ProcessHandle> process() {
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

    /** Stops the embedded server, quietly, and refuses any later start; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (isEmbedded()) {
            stopServer();
        }
    }

    @Override
    public String toString() {
        return "PostgresServer[" + jdbcUrl + (isEmbedded() ? ", embedded" : ", external") + "]";
    }

    private void requireEmbedded() {
        if (!isEmbedded()) {
            throw new IllegalStateException("PostgreSQL is external (" + ENV_JDBC_URL + "=" + jdbcUrl
                    + "): it was not started here, so it cannot be stopped or started here");
        }
    }

    /** Runs the server; the caller holds this object's lock. */
    private void launch() {
        try {
            refuseRootWithoutUserNamespaces();
            Files.createDirectories(dataDir);
            Processes.rotate(logFile);
            stopOrphanPostmaster(dataDir);
            try {
                embedded = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        // The stack stops PostgreSQL last, after the apps; zonky's own hook would race that.
                        .setRegisterShutdownHook(false)
                        .setPGStartupWait(STARTUP_WAIT)
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        // Pinned so that initdb does not depend on the locales this machine happens to have.
                        .setLocaleConfig("locale", "C")
                        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
            } catch (IOException | RuntimeException e) {
                throw new StartupException(COMPONENT, "embedded PostgreSQL did not start in " + dataDir + ": "
                        + e.getMessage() + "\n" + Processes.tail(logFile), e);
            }
            postmaster = readPostmaster(dataDir).orElse(null);
            try {
                createDatabaseIfMissing();
            } catch (SQLException | RuntimeException e) {
                stopServer();
                throw new StartupException(COMPONENT, "could not create database " + DATABASE + ": "
                        + e.getMessage(), e);
            }
            watch(postmaster);
        } catch (IOException e) {
            throw new StartupException(COMPONENT, "cannot prepare " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Reports the postmaster's exit unless it was asked for: by then {@link #stopServer()} let go of it. */
    private void watch(ProcessHandle running) {
        if (running == null) {
            return;
        }
        running.onExit().thenRun(() -> {
            boolean unexpected;
            synchronized (this) {
                unexpected = postmaster == running;
            }
            if (unexpected) {
                listener.exitedUnexpectedly(COMPONENT, "postmaster exited", logFile);
            }
        });
    }

    /** Stops the running server and waits until the postmaster is gone; true if there was one. */
    private synchronized boolean stopServer() {
        EmbeddedPostgres server = embedded;
        ProcessHandle stopping = postmaster;
        embedded = null;
        postmaster = null;
        if (server == null) {
            return false;
        }
        try {
            server.close();
        } catch (IOException e) {
            // zonky logs its own pg_ctl failures; the postmaster is checked below either way.
        }
        if (stopping != null && !Processes.awaitExit(stopping, Duration.ofSeconds(10))) {
            killPostmaster(stopping);
        }
        return true;
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
