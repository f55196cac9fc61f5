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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

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
        AtomicLong written = new AtomicLong();
        try (ServerSocket receiver = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> answerWithoutEnd(receiver, written));
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
                await("the receiver cut off").atMost(Duration.ofSeconds(10)).until(() -> written.get() < 0);
                assertThat(-written.get()).as("bytes of body the receiver could write before the coordinator"
                        + " closed the connection").isLessThan(16L << 20);
            } finally {
                StoredRuns.remove(db, target);
            }
        }
    }

    /** Reads one request, answers 200 with a chunked body until the client hangs up; then negates the count. */
    private static void answerWithoutEnd(ServerSocket receiver, AtomicLong written) {
        try (Socket client = receiver.accept()) {
            InputStream in = client.getInputStream();
            byte[] request = new byte[65_536];
            int read = in.read(request);
            assertThat(read).isPositive();
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("10000\r\n" + "x".repeat(65_536) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            while (written.get() < RECEIVER_GIVES_UP) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException closedByTheCoordinator) {
            written.set(-written.get());
        }
    }
}
