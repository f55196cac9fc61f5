package dev.parallax.common.target;

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
            blocked("::ffff:0:0/96", "IPv4-mapped"),
            blocked("64:ff9b::/96", "NAT64"),
            blocked("64:ff9b:1::/48", "local-use NAT64"),
            blocked("100::/64", "discard-only"),
            blocked("2001::/32", "Teredo"),
            blocked("2001:10::/28", "ORCHID"),
            blocked("2001:20::/28", "ORCHIDv2"),
            blocked("2001:db8::/32", "documentation"),
            blocked("2002::/16", "6to4"),
            blocked("fc00::/7", "unique-local"),
            blocked("fe80::/10", "link-local"),
            blocked("ff00::/8", "multicast"));

    private static final Cidr IPV4_MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private static final TargetPolicy DEFAULTS = new TargetPolicy(DEFAULT_BLOCKED, List.of());

    private final List<BlockedRange> blocked;
    private final List<Cidr> allowed;

    private TargetPolicy(List<BlockedRange> blocked, List<Cidr> allowed) {
        this.blocked = blocked;
        this.allowed = allowed;
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
        if (allowList == null || allowList.isBlank()) {
            return DEFAULTS;
        }
        List<Cidr> ranges = new ArrayList<>();
        for (String entry : allowList.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                ranges.add(Cidr.parse(entry));
            } catch (InvalidTargetException e) {
                throw new InvalidTargetException("allowList", "allow list: " + e.getMessage());
            }
        }
        return DEFAULTS.allowing(ranges);
    }

    /** A copy that also lets through addresses inside the given ranges, blocked or not. */
    public TargetPolicy allowing(Collection<Cidr> ranges) {
        List<Cidr> combined = new ArrayList<>(allowed);
        for (Cidr range : List.copyOf(ranges)) {
            if (!combined.contains(range)) {
                combined.add(range);
            }
        }
        return new TargetPolicy(blocked, List.copyOf(combined));
    }

    public List<BlockedRange> blockedRanges() {
        return blocked;
    }

    public List<Cidr> allowedRanges() {
        return allowed;
    }

    /**
     * Decides one address. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64 64:ff9b::/96, 6to4
     * 2002::/16) are judged by that IPv4 address first, so the reason names the network they lead to;
     * their own IPv6 range still blocks them when the embedded address is neither blocked nor allowed.
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

    private static Embedded embeddedIpv4(byte[] bytes) {
        if (IPV4_MAPPED.containsBytes(bytes)) {
            return new Embedded(Arrays.copyOfRange(bytes, 12, 16), "IPv4-mapped");
        }
        if (NAT64.containsBytes(bytes)) {
            return new Embedded(Arrays.copyOfRange(bytes, 12, 16), "NAT64");
        }
        if (SIX_TO_FOUR.containsBytes(bytes)) {
            return new Embedded(Arrays.copyOfRange(bytes, 2, 6), "6to4");
        }
        return null;
    }

    private static String describe(BlockedRange range) {
        return range.range() + " (" + range.label() + ")";
    }

    @Override
    public String toString() {
        return "TargetPolicy[" + blocked.size() + " blocked ranges, allowed=" + allowed + "]";
    }
}
