package dev.parallax.e2e.faults;

import dev.parallax.e2e.E2eStacks;
import dev.parallax.local.LocalStack;
import dev.parallax.local.LocalStackBuilder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** What the fault tests share: a stack of their own, a target that accepts, and waiting for the checks to end. */
final class FaultStacks {

    /** Added to a check's deadline before the audit calls it lost: the sweeper's interval and some slack. */
    static final Duration AUDIT_GRACE = Duration.ofSeconds(15);

    private FaultStacks() {
    }

    /** A fresh stack in deploy/e2e/target, customised by the test, started. */
    static LocalStack start(String name, UnaryOperator<LocalStackBuilder> customise) throws IOException {
        return customise.apply(E2eStacks.builder("faults-" + name)).build().start();
    }

    /** Stops what a test class started; either may be null when its start failed. */
    static void stop(LocalStack stack, AcceptingListener target) throws IOException, InterruptedException {
        if (stack != null) {
            stack.close();
        }
        if (target != null) {
            target.close();
        }
    }

    /** The JSON of a check of one loopback port from these regions. */
    static String checkBody(int port, List<String> regions, int timeoutMs) {
        return "{\"target\": \"127.0.0.1\", \"ports\": [" + port + "], \"regions\": [\""
                + String.join("\", \"", regions) + "\"], \"timeoutMs\": " + timeoutMs + "}";
    }

    /**
     * Polls until every accepted check is COMPLETE or {@code patience} ran out; returns the last audit either
     * way (the test asserts on it, so a timeout fails with the counts).
     */
    static DeliveryAudit awaitEnded(LocalStack stack, Collection<UUID> accepted, Duration patience)
            throws SQLException, InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        DeliveryAudit audit = audit(stack, accepted);
        while (audit.open() > 0 && System.nanoTime() < until) {
            Thread.sleep(500);
            audit = audit(stack, accepted);
        }
        return audit;
    }

    static DeliveryAudit audit(LocalStack stack, Collection<UUID> accepted) throws SQLException {
        return DeliveryAudit.of(stack.postgres(), accepted, AUDIT_GRACE);
    }

    /** Resident memory of a process in MB, from /proc. */
    static long rssMegabytes(ProcessHandle process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** A loopback listener that accepts and closes every connection, so that every probe of it is OPEN. */
    static final class AcceptingListener implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread thread;

        AcceptingListener() throws IOException {
            this(InetAddress.getLoopbackAddress());
        }

        /** On another loopback address, e.g. 127.0.0.2. */
        AcceptingListener(InetAddress address) throws IOException {
            socket = new ServerSocket(0, 200, address);
            thread = Thread.ofPlatform().name("accepting-listener").daemon().start(() -> {
                while (!socket.isClosed()) {
                    try (Socket accepted = socket.accept()) {
                        accepted.setSoLinger(true, 0);
                    } catch (IOException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            socket.close();
            thread.join(5_000);
        }
    }
}
