package dev.parallax.e2e.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A webhook receiver that answers every request {@code 200} with a chunked body that never ends, until the client
 * hangs up or {@link #GIVES_UP} bytes are written (far more than a coordinator could hold). What counts is the first.
 */
final class EndlessReceiver implements AutoCloseable {

    static final long GIVES_UP = 2L << 30;

    private final ServerSocket socket;
    private final CompletableFuture<Long> cutOff = new CompletableFuture<>();

    EndlessReceiver(InetAddress address) throws IOException {
        socket = new ServerSocket(0, 4, address);
        Thread.ofPlatform().name("endless-receiver").daemon().start(this::acceptUntilClosed);
    }

    int port() {
        return socket.getLocalPort();
    }

    /**
     * The bytes of body written before the client closed the connection.
     *
     * @throws AssertionError when no request came, or the client kept reading, within {@code patience}
     */
    long awaitCutOff(Duration patience) throws InterruptedException {
        try {
            long written = cutOff.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            if (written >= GIVES_UP) {
                throw new AssertionError("the client read " + written + " bytes of a body without end and kept"
                        + " reading");
            }
            return written;
        } catch (TimeoutException e) {
            throw new AssertionError("no request reached the receiver, or the client kept reading, within "
                    + patience.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new AssertionError("the receiver failed before a request came", e.getCause());
        }
    }

    private void acceptUntilClosed() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread.ofPlatform().name("endless-answer").daemon().start(() -> answer(client));
            } catch (IOException closed) {
                cutOff.completeExceptionally(closed);
                return;
            }
        }
    }

    private void answer(Socket client) {
        long written = 0;
        try (client) {
            InputStream in = client.getInputStream();
            if (in.read(new byte[65_536]) < 0) {
                cutOff.completeExceptionally(new IOException("the client sent no request"));
                return;
            }
            OutputStream out = client.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("10000\r\n" + "x".repeat(65_536) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            while (written < GIVES_UP) {
                out.write(chunk);
                written += 65_536;
            }
        } catch (IOException hungUp) {
            // The client closed the connection: what was written until then is the answer.
        }
        cutOff.complete(written);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
