package dev.parallax.local.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS responder on a loopback UDP port of its own, for tests that must not touch real
 * DNS. Each name maps to a behaviour: records, a response code, or silence. It lives beside the launcher because the
 * agent's tests and the end-to-end tests (whose agents it answers) both use it.
 */
public final class FakeDnsServer implements AutoCloseable {

    public static final int TYPE_A = 1;
    public static final int TYPE_AAAA = 28;

    /** What the server does for one name. */
    public sealed interface Behaviour permits Records, Rcode, Silence, Sequence {
    }

    /** Answers NOERROR with these addresses (those of the queried type). */
    public record Records(List<InetAddress> addresses) implements Behaviour {
    }

    /** Answers with this response code and no records, e.g. 3 = NXDOMAIN, 2 = SERVFAIL. */
    public record Rcode(int code) implements Behaviour {
    }

    /** Never answers. */
    public record Silence() implements Behaviour {
    }

    /**
     * Answers the n-th query of each record type for the name with the n-th behaviour (the last one from then on):
     * a name that changes its answer between lookups, as in DNS rebinding.
     */
    public record Sequence(List<Behaviour> answers) implements Behaviour {
        public Sequence {
            if (answers.isEmpty() || answers.stream().anyMatch(a -> a instanceof Sequence)) {
                throw new IllegalArgumentException("a sequence needs at least one answer, none a sequence itself");
            }
            answers = List.copyOf(answers);
        }
    }

    private final DatagramSocket socket;
    private final Map<String, Behaviour> names;
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Thread thread;

    public FakeDnsServer(Map<String, Behaviour> names) throws SocketException {
        this.names = Map.copyOf(names);
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = Thread.ofPlatform().name("fake-dns").daemon().start(this::serve);
    }

    /** How many queries of this type the server has received for the name. */
    public int queries(String name, int type) {
        AtomicInteger count = queries.get(name.toLowerCase() + "/" + type);
        return count == null ? 0 : count.get();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(query);
                byte[] answer = answer(ByteBuffer.wrap(query.getData(), 0, query.getLength()));
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(ByteBuffer query) {
        short id = query.getShort(0);
        int position = 12;
        StringBuilder name = new StringBuilder();
        byte[] data = query.array();
        int offset = query.arrayOffset();
        while (data[offset + position] != 0) {
            int length = data[offset + position];
            if (!name.isEmpty()) {
                name.append('.');
            }
            name.append(new String(data, offset + position + 1, length, java.nio.charset.StandardCharsets.US_ASCII));
            position += length + 1;
        }
        position++;
        int type = ((data[offset + position] & 0xff) << 8) | (data[offset + position + 1] & 0xff);
        int questionEnd = position + 4;
        String key = name.toString().toLowerCase();
        int seen = queries.computeIfAbsent(key + "/" + type, k -> new AtomicInteger()).getAndIncrement();
        Behaviour behaviour = names.getOrDefault(key, new Rcode(3));
        if (behaviour instanceof Sequence sequence) {
            behaviour = sequence.answers().get(Math.min(seen, sequence.answers().size() - 1));
        }
        if (behaviour instanceof Silence) {
            return null;
        }
        List<InetAddress> records = behaviour instanceof Records r
                ? r.addresses().stream().filter(a -> a.getAddress().length == (type == TYPE_A ? 4 : 16)).toList()
                : List.of();
        int rcode = behaviour instanceof Rcode r ? r.code() : 0;
        ByteBuffer out = ByteBuffer.allocate(512);
        out.putShort(id);
        out.putShort((short) (0x8180 | rcode)); // response, recursion desired + available
        out.putShort((short) 1);
        out.putShort((short) records.size());
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.put(data, offset + 12, questionEnd - 12);
        for (InetAddress address : records) {
            out.putShort((short) 0xC00C); // pointer to the name in the question
            out.putShort((short) type);
            out.putShort((short) 1);
            out.putInt(60);
            byte[] bytes = address.getAddress();
            out.putShort((short) bytes.length);
            out.put(bytes);
        }
        byte[] answer = new byte[out.position()];
        out.flip();
        out.get(answer);
        return answer;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2_000);
    }
}
