package dev.parallax.common.targeting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code fc00::/7}. The network
 * bytes are copied in and out, so an instance never changes.
 */
public record Cidr(byte[] network, int prefixLength) {

    private static final String FIELD = "cidr";
    private static final int MAX_QUOTED = 80;

    /**
     * @throws InvalidTargetException when the network is not 4 or 16 bytes, the prefix length does not
     *                                fit, or bits beyond the prefix are set
     */
    public Cidr {
        Objects.requireNonNull(network, "network");
        if (network.length != IpAddresses.IPV4_BYTES && network.length != IpAddresses.IPV6_BYTES) {
            throw new InvalidTargetException(FIELD, "a network address has 4 (IPv4) or 16 (IPv6) bytes, not "
                    + network.length);
        }
        network = network.clone();
        int bits = network.length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new InvalidTargetException(FIELD, "prefix length " + prefixLength + " is out of range: "
                    + (bits == 32 ? "IPv4" : "IPv6") + " prefixes are 0-" + bits);
        }
        byte[] masked = mask(network, prefixLength);
        if (!Arrays.equals(masked, network)) {
            throw new InvalidTargetException(FIELD, IpAddresses.format(network) + "/" + prefixLength
                    + " has host bits set; the network is " + IpAddresses.format(masked) + "/" + prefixLength);
        }
    }

    /**
     * Parses {@code address/prefix}; a bare address is a single host (/32 or /128). IPv4-mapped notation
     * such as {@code ::ffff:10.0.0.0/104} is an IPv6 network. Never asks DNS: anything but a literal is
     * refused before the JDK sees it.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidTargetException(FIELD, "give a network in CIDR notation, e.g. \"10.0.0.0/8\" or"
                    + " \"fc00::/7\"");
        }
        String cidr = text.strip();
        int slash = cidr.indexOf('/');
        String addressText = slash < 0 ? cidr : cidr.substring(0, slash);
        if (addressText.indexOf('%') >= 0) {
            throw new InvalidTargetException(FIELD, quote(cidr) + " has an IPv6 zone id (\"%…\"); networks are"
                    + " written without one");
        }
        byte[] address = IpAddresses.parseIpv4(addressText);
        if (address == null) {
            address = IpAddresses.parseIpv6(addressText);
        }
        if (address == null) {
            throw new InvalidTargetException(FIELD, quote(cidr) + " is not a network: write an IP address and"
                    + " a prefix length, e.g. \"10.0.0.0/8\" or \"fc00::/7\" (IPv4 as four numbers 0-255)");
        }
        int bits = address.length * 8;
        int prefixLength = slash < 0 ? bits : parsePrefix(cidr.substring(slash + 1), bits, cidr);
        return new Cidr(address, prefixLength);
    }

    private static int parsePrefix(String digits, int bits, String cidr) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidTargetException(FIELD, quote(cidr) + " has no valid prefix length after '/': give"
                    + " a number 0-" + bits);
        }
        int prefixLength = Integer.parseInt(digits);
        if (prefixLength > bits) {
            throw new InvalidTargetException(FIELD, quote(cidr) + " has prefix length " + prefixLength + ", but "
                    + (bits == 32 ? "IPv4" : "IPv6") + " prefixes are 0-" + bits);
        }
        return prefixLength;
    }

    private static byte[] mask(byte[] address, int prefixLength) {
        byte[] masked = new byte[address.length];
        int whole = prefixLength / 8;
        System.arraycopy(address, 0, masked, 0, whole);
        int rest = prefixLength % 8;
        if (rest > 0) {
            masked[whole] = (byte) (address[whole] & (0xff << (8 - rest)));
        }
        return masked;
    }

    private static String quote(String text) {
        return "\"" + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text) + "\"";
    }

    /** A copy of the network bytes: 4 for IPv4, 16 for IPv6. */
    @Override
    public byte[] network() {
        return network.clone();
    }

    public boolean isIpv4() {
        return network.length == IpAddresses.IPV4_BYTES;
    }

    /**
     * Whether the address lies in this network. Only addresses of the same family match: an IPv4 network
     * never contains an IPv6 address, not even one that embeds IPv4 ({@link TargetPolicy} deals with those).
     */
    public boolean contains(InetAddress address) {
        return address != null && containsBytes(address.getAddress());
    }

    boolean containsBytes(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int whole = prefixLength / 8;
        if (!Arrays.equals(address, 0, whole, network, 0, whole)) {
            return false;
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (address[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefixLength == that.prefixLength && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    /** The canonical text, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
    @JsonValue
    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefixLength;
    }
}
