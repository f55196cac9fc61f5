package dev.parallax.common.targeting;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Which addresses a check may probe: everything except the blocked ranges of the design brief, unless
 * an operator allowed a range explicitly. Compares parsed bytes, never strings. Immutable and thread-safe.
 */
public final class TargetPolicy {

    /** The outcome for one address (or a set of them); {@code reason} is fit to show to the user. */
    public record Decision(boolean allowed, String reason) {
        public Decision {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A blocked network and a short label saying what it is, e.g. "loopback". */
    public record BlockedRange(Cidr range, String label) {
        public BlockedRange {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(label, "label");
        }
    }

    private static final List<BlockedRange> DEFAULT_BLOCKED = List.of(
            blocked("0.0.0.0/8", "this network"),
            blocked("10.0.0.0/8", "private"),
            blocked("100.64.0.0/10", "CGNAT"),
            blocked("127.0.0.0/8", "loopback"),
            blocked("169.254.0.0/16", "link-local"),
            blocked("172.16.0.0/12", "private"),
            blocked("192.0.0.0/24", "IETF protocol assignments"),
            blocked("192.0.2.0/24", "documentation"),
            blocked("192.88.99.0/24", "6to4 relay anycast"),
            blocked("192.168.0.0/16", "private"),
            blocked("198.18.0.0/15", "benchmarking"),
            blocked("198.51.100.0/24", "documentation"),
            blocked("203.0.113.0/24", "documentation"),
            blocked("224.0.0.0/4", "multicast"),
            blocked("240.0.0.0/4", "reserved"),
            blocked("255.255.255.255/32", "broadcast"),
            blocked("::/128", "unspecified"),
            blocked("::1/128", "loopback"),
            blocked("::/8", "reserved"),
            blocked("::/96", "IPv4-compatible"),
            blocked("::ffff:0:0/96", "IPv4-mapped"),
            blocked("::ffff:0:0:0/96", "IPv4-translated"),
            blocked("64:ff9b::/96", "NAT64"),
            blocked("64:ff9b:1::/48", "local-use NAT64"),
            blocked("100::/64", "discard-only"),
            blocked("100:0:0:1::/64", "dummy"),
            blocked("2001::/32", "Teredo"),
            blocked("2001:2::/48", "benchmarking"),
            blocked("2001:10::/28", "ORCHID"),
            blocked("2001:20::/28", "ORCHIDv2"),
            blocked("2001:db8::/32", "documentation"),
            blocked("2002::/16", "6to4"),
            blocked("3fff::/20", "documentation"),
            blocked("5f00::/16", "SRv6 segment identifiers"),
            blocked("fc00::/7", "unique-local"),
            blocked("fe80::/10", "link-local"),
            blocked("ff00::/8", "multicast"));

    /**
     * The IPv6 forms that carry an IPv4 address at a fixed place, which a kernel, a tunnel or a translator may
     * deliver to that IPv4 address. Each is judged by the IPv4 it carries (and is in a blocked range itself, so a
     * public IPv4 in one of these forms is refused too, except ISATAP, whose prefix is an ordinary global one).
     * Teredo (2001::/32) and local-use NAT64 (64:ff9b:1::/48, whose prefix length is the operator's choice) are
     * blocked whole.
     */
    private static final List<Embedding> EMBEDDINGS = List.of(
            new Embedding(Cidr.parse("::ffff:0:0/96"), "IPv4-mapped", 12),
            new Embedding(Cidr.parse("::ffff:0:0:0/96"), "IPv4-translated", 12),
            new Embedding(Cidr.parse("64:ff9b::/96"), "NAT64", 12),
            new Embedding(Cidr.parse("2002::/16"), "6to4", 2));
    /** ::a.b.c.d; :: and ::1 (and the rest of ::/104, "this network") are not IPv4-compatible addresses. */
    private static final Cidr IPV4_COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NOT_IPV4_COMPATIBLE = Cidr.parse("::/104");

    private static final TargetPolicy DEFAULTS = new TargetPolicy(DEFAULT_BLOCKED, List.of(), List.of());

    private final List<BlockedRange> blocked;
    private final List<Cidr> allowed;
    private final List<Cidr> nat64Prefixes;

    private TargetPolicy(List<BlockedRange> blocked, List<Cidr> allowed, List<Cidr> nat64Prefixes) {
        this.blocked = blocked;
        this.allowed = allowed;
        this.nat64Prefixes = nat64Prefixes;
    }

    private static BlockedRange blocked(String cidr, String label) {
        return new BlockedRange(Cidr.parse(cidr), label);
    }

    /** Blocks the default ranges and allows nothing extra. */
    public static TargetPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * The defaults plus an operator's allow list, e.g. {@code "127.0.0.0/8, ::1"}.
     *
     * @param allowList comma-separated CIDRs (a bare address is one host); null or blank allows nothing extra
     * @throws InvalidTargetException (field {@code allowList}) naming the entry that is not a CIDR
     */
    public static TargetPolicy fromConfig(String allowList) {
        return fromConfig(allowList, null);
    }

    /**
     * The defaults plus an operator's allow list and the network-specific NAT64 prefixes of the network the
     * policy's user sits in (RFC 6052 section 2.2: a /32, /40, /48, /56, /64 or /96 that a DNS64 resolver
     * synthesises AAAA answers in and a NAT64 gateway translates to the IPv4 address inside). An address in
     * such a prefix is judged by the IPv4 address it carries, and refused when that one is blocked.
     *
     * @param nat64Prefixes comma-separated IPv6 CIDRs of those lengths; null or blank: none
     * @throws InvalidTargetException (field {@code allowList} or {@code nat64Prefixes}) naming the wrong entry
     */
    public static TargetPolicy fromConfig(String allowList, String nat64Prefixes) {
        List<Cidr> allowed = cidrs(allowList, "allowList", "allow list");
        List<Cidr> prefixes = cidrs(nat64Prefixes, "nat64Prefixes", "NAT64 prefixes");
        for (Cidr prefix : prefixes) {
            if (prefix.isIpv4() || !Nat64.LENGTHS.contains(prefix.prefixLength())) {
                throw new InvalidTargetException("nat64Prefixes", "NAT64 prefixes: " + prefix + " is not a NAT64"
                        + " prefix; RFC 6052 prefixes are IPv6 /32, /40, /48, /56, /64 or /96");
            }
        }
        return new TargetPolicy(DEFAULT_BLOCKED, allowed, prefixes);
    }

    private static List<Cidr> cidrs(String list, String field, String name) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String entry : list.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                Cidr range = Cidr.parse(entry);
                if (!ranges.contains(range)) {
                    ranges.add(range);
                }
            } catch (InvalidTargetException e) {
                throw new InvalidTargetException(field, name + ": " + e.getMessage());
            }
        }
        return List.copyOf(ranges);
    }

    /** A copy that also lets through addresses inside the given ranges, blocked or not. */
    public TargetPolicy allowing(Collection<Cidr> ranges) {
        List<Cidr> combined = new ArrayList<>(allowed);
        for (Cidr range : List.copyOf(ranges)) {
            if (!combined.contains(range)) {
                combined.add(range);
            }
        }
        return new TargetPolicy(blocked, List.copyOf(combined), nat64Prefixes);
    }

    public List<BlockedRange> blockedRanges() {
        return blocked;
    }

    public List<Cidr> allowedRanges() {
        return allowed;
    }

    /** The network-specific NAT64 prefixes whose addresses are judged by the IPv4 address inside. */
    public List<Cidr> nat64Prefixes() {
        return nat64Prefixes;
    }

    /**
     * Decides one address. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, IPv4-translated,
     * NAT64 64:ff9b::/96 and the configured network-specific prefixes, 6to4 2002::/16, ISATAP interface
     * identifiers) are judged by that IPv4 address first, so the reason names the network they lead to; their
     * own IPv6 range still blocks them when the embedded address is neither blocked nor allowed.
     */
    public Decision evaluate(InetAddress address) {
        Objects.requireNonNull(address, "address");
        byte[] bytes = address.getAddress();
        String text = IpAddresses.format(bytes);
        Cidr allowedRange = allowedRangeOf(bytes);
        if (allowedRange != null) {
            return new Decision(true, text + " is in allowed range " + allowedRange);
        }
        Embedded embedded = embeddedIpv4(bytes);
        if (embedded != null) {
            String via = text + " embeds " + IpAddresses.format(embedded.ipv4) + " (" + embedded.form + "), which";
            Cidr allowedIpv4 = allowedRangeOf(embedded.ipv4);
            if (allowedIpv4 != null) {
                return new Decision(true, via + " is in allowed range " + allowedIpv4);
            }
            BlockedRange blockedIpv4 = blockedRangeOf(embedded.ipv4);
            if (blockedIpv4 != null) {
                return new Decision(false, via + " is in blocked range " + describe(blockedIpv4));
            }
        }
        BlockedRange blockedRange = blockedRangeOf(bytes);
        if (blockedRange != null) {
            return new Decision(false, text + " is in blocked range " + describe(blockedRange));
        }
        return new Decision(true, text + " is not in a blocked range");
    }

    /**
     * Decides a set of addresses, e.g. all that a name resolved to: refused if any one is refused (with
     * the first such reason), and refused when there is no address at all.
     */
    public Decision evaluateAll(Collection<? extends InetAddress> addresses) {
        Objects.requireNonNull(addresses, "addresses");
        if (addresses.isEmpty()) {
            return new Decision(false, "no address to check");
        }
        Decision decision = null;
        for (InetAddress address : addresses) {
            decision = evaluate(address);
            if (!decision.allowed()) {
                return decision;
            }
        }
        return addresses.size() == 1 ? decision
                : new Decision(true, "all " + addresses.size() + " addresses are allowed");
    }

    private Cidr allowedRangeOf(byte[] bytes) {
        for (Cidr range : allowed) {
            if (range.containsBytes(bytes)) {
                return range;
            }
        }
        return null;
    }

    /** The most specific blocked range, so 255.255.255.255 reads as broadcast rather than reserved. */
    private BlockedRange blockedRangeOf(byte[] bytes) {
        BlockedRange best = null;
        for (BlockedRange range : blocked) {
            if (range.range().containsBytes(bytes)
                    && (best == null || range.range().prefixLength() > best.range().prefixLength())) {
                best = range;
            }
        }
        return best;
    }

    private record Embedded(byte[] ipv4, String form) {
    }

    /** An IPv6 range whose addresses carry an IPv4 address at {@code offset}. */
    private record Embedding(Cidr range, String form, int offset) {
    }

    private Embedded embeddedIpv4(byte[] bytes) {
        if (bytes.length != IpAddresses.IPV6_BYTES) {
            return null;
        }
        for (Embedding embedding : EMBEDDINGS) {
            if (embedding.range().containsBytes(bytes)) {
                return new Embedded(Arrays.copyOfRange(bytes, embedding.offset(), embedding.offset() + 4),
                        embedding.form());
            }
        }
        if (IPV4_COMPATIBLE.containsBytes(bytes) && !NOT_IPV4_COMPATIBLE.containsBytes(bytes)) {
            return new Embedded(Arrays.copyOfRange(bytes, 12, 16), "IPv4-compatible");
        }
        for (Cidr prefix : nat64Prefixes) {
            if (prefix.containsBytes(bytes)) {
                return new Embedded(Nat64.extract(bytes, prefix.prefixLength()), "NAT64 prefix " + prefix);
            }
        }
        if (isIsatap(bytes)) {
            return new Embedded(Arrays.copyOfRange(bytes, 12, 16), "ISATAP");
        }
        return null;
    }

    /** RFC 5214: an interface identifier of 0000:5efe or 0200:5efe followed by the IPv4 address. */
    private static boolean isIsatap(byte[] bytes) {
        return (bytes[8] & 0xfd) == 0 && bytes[9] == 0 && bytes[10] == (byte) 0x5e && bytes[11] == (byte) 0xfe;
    }

    /** Where RFC 6052 section 2.2 puts the IPv4 address for each prefix length: never in bits 64-71. */
    private static final class Nat64 {

        static final List<Integer> LENGTHS = List.of(32, 40, 48, 56, 64, 96);

        private Nat64() {
        }

        static byte[] extract(byte[] bytes, int prefixLength) {
            byte[] ipv4 = new byte[4];
            int from = prefixLength / 8;
            for (int i = 0; i < 4; i++) {
                if (from == 8) {
                    from++;
                }
                ipv4[i] = bytes[from++];
            }
            return ipv4;
        }
    }

    private static String describe(BlockedRange range) {
        return range.range() + " (" + range.label() + ")";
    }

    @Override
    public String toString() {
        return "TargetPolicy[" + blocked.size() + " blocked ranges, allowed=" + allowed
                + (nat64Prefixes.isEmpty() ? "" : ", nat64Prefixes=" + nat64Prefixes) + "]";
    }
}
