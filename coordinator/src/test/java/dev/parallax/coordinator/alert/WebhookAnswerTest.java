package dev.parallax.coordinator.alert;

import dev.parallax.coordinator.schedule.StoredRuns;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the dispatcher reads of a receiver's answer: its status, and not a byte of a body without end. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class WebhookAnswerTest {

    /** Far more than the coordinator could hold: the receiver stops here if nobody cuts it off. */
    private static final long RECEIVER_GIVES_UP = 2L << 30;

    @Inject
    AgroalDataSource db;

    @Test
    void aReceiverAnsweringWithABodyWithoutEndIsCutOffAfterItsStatus() throws Exception {
        CompletableFuture<Long> cutOff = new CompletableFuture<>();
        try (ServerSocket receiver = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> answerWithoutEnd(receiver, cutOff));
            String target = "endless-" + UUID.randomUUID() + ".example";
            UUID schedule = StoredRuns.schedule(db, target);
            try {
                Sql.update(db, "UPDATE schedules SET webhook_secret = 'c2VjcmV0LW9mLXRoZS13ZWJob29rLXRlc3Q' WHERE id = ?",
                        schedule);
                long event = ((Number) Sql.rows(db, """
                        INSERT INTO schedule_events (event_id, schedule_id, kind, summary, payload, created_at)
                        VALUES (?, ?, 'port-down', 'a test event', '{}', now()) RETURNING id""",
                        UUID.randomUUID(), schedule).getFirst().get("id")).longValue();
                Sql.update(db, """
                        INSERT INTO webhook_deliveries (event_id, url, status, next_attempt_at)
                        VALUES (?, ?, 'PENDING', now())""", event,
                        "http://127.0.0.1:" + receiver.getLocalPort() + "/hook");

                await("the delivery").atMost(Duration.ofSeconds(30)).until(() -> Sql.count(db,
                        "SELECT count(*) FROM webhook_deliveries WHERE event_id = ? AND status = 'DELIVERED'", event)
                        == 1);

                assertThat(Sql.count(db, "SELECT count(*) FROM webhook_attempts a JOIN webhook_deliveries d"
                        + " ON d.id = a.delivery_id WHERE d.event_id = ? AND a.http_status = 200", event)).isEqualTo(1);
                assertThat(cutOff.get(10, TimeUnit.SECONDS)).as("bytes of body the receiver could write before the"
                        + " coordinator closed the connection").isLessThan(16L << 20);
            } finally {
                StoredRuns.remove(db, target);
            }
        }
    }

    /**
     * Reads one request and answers 200 with a chunked body until the client hangs up; then completes {@code cutOff}
     * with the bytes written (or with a failure when no request came).
     */
    private static void answerWithoutEnd(ServerSocket receiver, CompletableFuture<Long> cutOff) {
        long written = 0;
        try (Socket client = receiver.accept()) {
            if (client.getInputStream().read(new byte[65_536]) < 0) {
                cutOff.completeExceptionally(new AssertionError("the coordinator connected and sent no request"));
                return;
            }
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("10000\r\n" + "x".repeat(65_536) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            while (written < RECEIVER_GIVES_UP) {
                out.write(chunk);
                written += chunk.length;
            }
            cutOff.completeExceptionally(new AssertionError("the coordinator read " + written + " bytes of a body"
                    + " without end and kept reading"));
        } catch (IOException closedByTheCoordinator) {
            cutOff.complete(written);
        }
    }
}
