package dev.parallax.coordinator.testinfra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP/1.1 client that writes exactly the bytes it is given, for the requests a well-behaved client never sends:
 * a body that stops half way, a body longer than it said, a Host header that names someone else.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;

    private RawHttp(Socket socket) {
        this.socket = socket;
    }

    /** A connection to the application under test on loopback. */
    public static RawHttp connect(int port) throws IOException {
        return connect(port, InetAddress.getLoopbackAddress());
    }

    /** As {@link #connect(int)}, from another loopback address: another client to the server. */
    public static RawHttp connect(int port, InetAddress source) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port, source, 0);
        socket.setSoTimeout(30_000);
        return new RawHttp(socket);
    }

    public RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * Everything the server sends until it closes the connection or {@code patience} passes without a byte: the
     * status line, headers and body as text. Empty when nothing came.
     */
    public String readAll(Duration patience) throws IOException {
        socket.setSoTimeout((int) patience.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                received.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException e) {
            // Nothing more within the patience: what came is the answer.
        } catch (IOException e) {
            if (received.size() == 0) {
                throw e;
            }
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The status code of a response read by {@link #readAll}, or -1 if there is none. */
    public static int status(String response) {
        if (!response.startsWith("HTTP/1.1 ")) {
            return -1;
        }
        return Integer.parseInt(response.substring(9, 12));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
