package dev.parallax.common.targeting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

/**
 * An immutable, sorted, de-duplicated set of TCP ports (1-65535). On the wire it is its canonical text,
 * e.g. {@code "22,443,8000-8010"}, so a job for all 65,535 ports stays a few bytes long.
 */
public final class PortSet implements Iterable<Integer> {

    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65_535;

    private final BitSet ports;
    private final int size;

    private PortSet(BitSet ports) {
        this.ports = ports;
        this.size = ports.cardinality();
    }

    /**
     * Parses the tokens of a request: integers, numeric strings and ranges such as {@code "8000-8010"}.
     *
     * @param tokens   numbers or strings, as a JSON array gives them
     * @param maxPorts the most ports a set may hold after de-duplication
     * @throws InvalidTargetException with a message that says which token is wrong and why
     */
    public static PortSet parse(List<?> tokens, int maxPorts) {
        if (tokens == null || tokens.isEmpty()) {
            throw new InvalidTargetException("ports", "give at least one port, e.g. [443] or [\"8000-8010\"]");
        }
        BitSet bits = new BitSet(MAX_PORT + 1);
        for (Object token : tokens) {
            if (token instanceof Integer || token instanceof Long || token instanceof Short || token instanceof Byte) {
                bits.set(checkPort(((Number) token).longValue(), String.valueOf(token)));
            } else if (token instanceof BigInteger big) {
                // JSON numbers beyond long arrive as BigInteger: a whole number, just out of range.
                bits.set(checkPort(big.bitLength() < 63 ? big.longValue() : Long.MAX_VALUE, String.valueOf(big)));
            } else if (token instanceof String text) {
                addText(bits, text);
            } else {
                throw new InvalidTargetException("ports", "each port must be a whole number 1-65535 or a range"
                        + " like \"8000-8010\"; got " + describe(token));
            }
            if (bits.cardinality() > maxPorts) {
                throw new InvalidTargetException("ports", "too many ports: at most " + maxPorts + " per check");
            }
        }
        return new PortSet(bits);
    }

    /** Parses the canonical text form, as {@link #toString()} writes it (and as users type it). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PortSet parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidTargetException("ports", "give at least one port");
        }
        // -1 keeps trailing empty entries, so "22," is refused like ",22" instead of passing silently.
        return parse(List.of((Object[]) text.split(",", -1)), MAX_PORT);
    }

    public static PortSet of(int... ports) {
        BitSet bits = new BitSet(MAX_PORT + 1);
        for (int port : ports) {
            bits.set(checkPort(port, String.valueOf(port)));
        }
        if (bits.isEmpty()) {
            throw new InvalidTargetException("ports", "give at least one port");
        }
        return new PortSet(bits);
    }

    private static void addText(BitSet bits, String raw) {
        String text = raw.strip();
        int dash = text.indexOf('-', 1);
        if (dash < 0) {
            bits.set(checkPort(parseNumber(text, raw), raw));
            return;
        }
        int from = checkPort(parseNumber(text.substring(0, dash).strip(), raw), raw);
        int to = checkPort(parseNumber(text.substring(dash + 1).strip(), raw), raw);
        if (from > to) {
            throw new InvalidTargetException("ports", "range \"" + raw + "\" runs backwards; write it low-high");
        }
        bits.set(from, to + 1);
    }

    private static long parseNumber(String digits, String raw) {
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidTargetException("ports", "\"" + raw + "\" is not a port (1-65535) or a range like"
                    + " \"8000-8010\"");
        }
        return Long.parseLong(digits);
    }

    private static int checkPort(long port, String raw) {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw new InvalidTargetException("ports", "port " + raw + " is out of range: ports are 1-65535");
        }
        return (int) port;
    }

    private static String describe(Object token) {
        if (token == null) {
            return "null";
        }
        if (token instanceof String) {
            return "\"" + token + "\"";
        }
        return token + " (" + token.getClass().getSimpleName().toLowerCase() + ")";
    }

    public int size() {
        return size;
    }

    public boolean contains(int port) {
        return port >= MIN_PORT && port <= MAX_PORT && ports.get(port);
    }

    public IntStream stream() {
        return ports.stream();
    }

    public int[] toArray() {
        return ports.stream().toArray();
    }

    @Override
    public PrimitiveIterator.OfInt iterator() {
        return ports.stream().iterator();
    }

    /** The canonical text: ascending, ranges of three or more consecutive ports collapsed. */
    @JsonValue
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        int from = ports.nextSetBit(0);
        while (from >= 0) {
            int to = ports.nextClearBit(from) - 1;
            if (to - from >= 2) {
                parts.add(from + "-" + to);
            } else {
                for (int port = from; port <= to; port++) {
                    parts.add(Integer.toString(port));
                }
            }
            from = ports.nextSetBit(to + 1);
        }
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PortSet that && ports.equals(that.ports);
    }

    @Override
    public int hashCode() {
        return ports.hashCode();
    }
}
