package dev.parallax.e2e.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the attack replay talks to the coordinator: as a client that follows the protocol (with a time limit on every
 * answer, so that a hang is a failure and not a stuck build), and as one that writes exactly the bytes it chooses.
 */
final class AttackClient {

    /** Every answer must come within this, or the attempt counts as a hang. */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    private final HttpClient http;
    private final URI base;

    AttackClient(URI base) {
        this(base, null);
    }

    /** A client whose connections come from {@code source}, another loopback address: another client to the server. */
    AttackClient(URI base, InetAddress source) {
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (source != null) {
            builder.localAddress(source);
        }
        this.http = builder.build();
        this.base = base;
    }

    /** An answer, or the reason there was none ("hang", "reset"); {@code millis} is how long it took. */
    record Answer(int status, String body, Map<String, List<String>> headers, long millis) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        /** The status as the table shows it: the code, or "hang" / "none". */
        String outcome() {
            return status > 0 ? String.valueOf(status) : body;
        }
    }

    Answer send(String method, String path, String key, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(PATIENCE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers().map(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (java.net.http.HttpTimeoutException e) {
            return new Answer(-1, "hang", Map.of(), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            return new Answer(-1, "none (" + e.getClass().getSimpleName() + ")", Map.of(),
                    (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path, String key) {
        return send("GET", path, key, Map.of(), null);
    }

    Answer post(String path, String key, String body) {
        return send("POST", path, key, Map.of(), body);
    }

    /** A connection that writes exactly what it is given and reads what comes back, for malformed requests. */
    static final class Raw implements AutoCloseable {

        private final Socket socket;

        Raw(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
        }

        /** From another loopback address: a client of its own to the server. */
        Raw(int port, InetAddress source) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port, source, 0);
        }

        /** Writes the text; false once the server has closed the connection. */
        boolean write(String text) {
            try {
                socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                return true;
            } catch (IOException closed) {
                return false;
            }
        }

        /**
         * The answer that comes within {@link #PATIENCE}, as the table shows it: its status code when the server then
         * closed the connection (as it must after refusing a request whose body it did not read), the code and
         * "left open" when it did not, "hang" when nothing came, "closed without an answer" when the server hung up.
         */
        String status() {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            boolean closed = false;
            try {
                socket.setSoTimeout((int) PATIENCE.toMillis());
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, read);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                // What came within the patience is the answer; the connection is still open.
            } catch (IOException e) {
                closed = true;
            }
            String answer = received.toString(StandardCharsets.UTF_8);
            if (answer.isEmpty()) {
                return closed ? "closed without an answer" : "hang";
            }
            String code = answer.startsWith("HTTP/1.1 ") ? answer.substring(9, 12) : "garbled";
            return closed ? code : code + " left open";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
