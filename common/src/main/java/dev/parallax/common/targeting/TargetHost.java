package dev.parallax.common.targeting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.net.IDN;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The host a check probes, in canonical form: a lowercase ASCII host name (IDN as A-labels, no trailing
 * dot), a strict dotted-quad IPv4 literal, or an RFC 5952 IPv6 literal without brackets. On the wire it
 * is that text.
 */
public record TargetHost(String name, Kind kind) {

    public enum Kind {
        HOSTNAME,
        IPV4,
        IPV6
    }

    private static final String FIELD = "target";
    private static final int MAX_NAME_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;
    private static final int MAX_QUOTED = 80;

    /**
     * Only canonical values: {@code new TargetHost("Example.COM", HOSTNAME)} is refused, so every instance,
     * however it was built, is one {@link #parse(String)} would have returned.
     */
    public TargetHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Canonical canonical = canonicalise(name);
        if (!canonical.name.equals(name) || canonical.kind != kind) {
            throw new IllegalArgumentException("not a canonical target: use TargetHost.parse(" + quote(name)
                    + "), which gives " + canonical.kind + " " + quote(canonical.name));
        }
    }

    /**
     * Parses what a user typed as a target.
     *
     * @throws InvalidTargetException (field {@code target}) with a message that quotes the input and says
     *                                what to change
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static TargetHost parse(String raw) {
        Canonical canonical = canonicalise(raw);
        return new TargetHost(canonical.name, canonical.kind);
    }

    public boolean isIpLiteral() {
        return kind != Kind.HOSTNAME;
    }

    /**
     * The address of an IP literal, built from its bytes without any lookup; empty for a host name. An
     * IPv6 literal always gives an Inet6Address, also for an IPv4-mapped one.
     */
    public Optional<InetAddress> literalAddress() {
        byte[] bytes = switch (kind) {
            case HOSTNAME -> null;
            case IPV4 -> IpAddresses.parseIpv4(name);
            case IPV6 -> IpAddresses.parseIpv6(name);
        };
        return bytes == null ? Optional.empty() : Optional.of(IpAddresses.toInetAddress(bytes));
    }

    @JsonValue
    @Override
    public String toString() {
        return name;
    }

    // The parse result before it becomes a TargetHost; the constructor validates through canonicalise(), so
    // canonicalise() must not construct a TargetHost itself.
    private record Canonical(String name, Kind kind) {
    }

    private static Canonical canonicalise(String raw) {
        if (raw == null || raw.isBlank()) {
            throw invalid("give a target: a host name such as \"example.com\" or an IP address such as"
                    + " \"192.0.2.1\"");
        }
        String text = raw.strip();
        if (text.length() > MAX_NAME_LENGTH + 1) {
            throw invalid("target " + quote(text) + " is too long: a host name has at most "
                    + MAX_NAME_LENGTH + " characters");
        }
        if (text.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw invalid("target " + quote(text) + " contains whitespace; give a single host name or IP address");
        }
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            throw invalid("target " + quote(text) + " is a URL; give only the host name"
                    + hint(hostOfUrl(text.substring(scheme + 3))) + " and put the ports in the \"ports\" field");
        }
        int at = text.lastIndexOf('@');
        if (at >= 0) {
            throw invalid("target " + quote(text) + " contains '@'; give only the host name, without a user name"
                    + hint(text.substring(at + 1)));
        }
        if (text.indexOf('/') >= 0) {
            throw invalid("target " + quote(text) + " contains '/'; give a single host name or IP address,"
                    + " without a path or a prefix length");
        }
        if (text.startsWith("[")) {
            return bracketed(text);
        }
        int colons = (int) text.chars().filter(c -> c == ':').count();
        if (colons == 1) {
            throw hostAndPort(text, text.substring(0, text.indexOf(':')));
        }
        if (colons > 1) {
            return ipv6(text, text);
        }
        if (text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && text.chars().anyMatch(c -> c != '.')) {
            byte[] ipv4 = IpAddresses.parseIpv4(text);
            if (ipv4 == null) {
                throw notIpv4(text);
            }
            return new Canonical(text, Kind.IPV4);
        }
        return hostname(text);
    }

    private static Canonical bracketed(String text) {
        int close = text.indexOf(']');
        if (close < 0) {
            throw invalid("target " + quote(text) + " opens '[' but never closes it; write an IPv6 address"
                    + " as \"2001:db8::1\" or \"[2001:db8::1]\"");
        }
        String inner = text.substring(1, close);
        String rest = text.substring(close + 1);
        if (rest.startsWith(":")) {
            throw hostAndPort(text, inner);
        }
        if (!rest.isEmpty()) {
            throw invalid("target " + quote(text) + " has text after ']'; give the IPv6 address alone, e.g."
                    + " \"[2001:db8::1]\"");
        }
        return ipv6(inner, text);
    }

    private static Canonical ipv6(String literal, String text) {
        if (literal.indexOf('%') >= 0) {
            throw invalid("target " + quote(text) + " has an IPv6 zone id (\"%…\"); zones only mean something"
                    + " on the machine that wrote them, so give an address without one");
        }
        byte[] bytes = IpAddresses.parseIpv6(literal);
        if (bytes == null) {
            throw invalid("target " + quote(text) + " is not a valid IPv6 address (e.g. \"2001:db8::1\"), and"
                    + " ':' is not allowed in a host name");
        }
        return new Canonical(IpAddresses.format(bytes), Kind.IPV6);
    }

    private static Canonical hostname(String text) {
        String ascii = text;
        if (!text.chars().allMatch(c -> c < 0x80)) {
            try {
                ascii = IDN.toASCII(text, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                // The JDK's message names its own exception classes ("java.text.ParseException: ..."): keep what it
                // says, not what it is.
                String why = String.valueOf(e.getMessage()).replaceFirst("^[\\w.]+Exception:\\s*", "");
                throw invalid("target " + quote(text) + " is not a valid internationalised host name (" + why + ")");
            }
        }
        String name = ascii.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw invalid("target " + quote(text) + " is not a host name; give e.g. \"example.com\"");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid("target " + quote(text) + " is " + name.length() + " characters long"
                    + (name.equals(text) ? "" : " as " + quote(name)) + "; a host name has at most "
                    + MAX_NAME_LENGTH);
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            checkLabel(label, text);
        }
        String last = labels[labels.length - 1];
        if (last.chars().allMatch(c -> c >= '0' && c <= '9') || last.matches("0x[0-9a-f]*")) {
            // A numeric last label is what inet_aton reads as an address ("1.2.3", "0x7f000001"), so a
            // resolver might connect to an address nobody validated as one.
            throw notIpv4(text);
        }
        return new Canonical(name, Kind.HOSTNAME);
    }

    private static void checkLabel(String label, String text) {
        if (label.isEmpty()) {
            throw invalid("target " + quote(text) + " has an empty label (a leading dot or \"..\")");
        }
        if (label.length() > MAX_LABEL_LENGTH) {
            throw invalid("target " + quote(text) + " has a label of " + label.length() + " characters ("
                    + quote(label) + "); each part between dots has at most " + MAX_LABEL_LENGTH);
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                throw invalid("target " + quote(text) + " contains " + describe(c) + "; a host name has only"
                        + " letters, digits, '-' and dots");
            }
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            throw invalid("target " + quote(text) + " has a label that starts or ends with '-' ("
                    + quote(label) + ")");
        }
    }

    private static InvalidTargetException hostAndPort(String text, String host) {
        return new InvalidTargetException(FIELD, "target " + quote(text) + " includes a port; give the host"
                + " alone" + hint(host) + " and the ports in the \"ports\" field");
    }

    private static InvalidTargetException notIpv4(String text) {
        return invalid("target " + quote(text) + " is neither an IPv4 address (write four numbers 0-255"
                + " without leading zeros, e.g. \"192.0.2.1\") nor a host name (its last part cannot be a number)");
    }

    private static InvalidTargetException invalid(String message) {
        return new InvalidTargetException(FIELD, message);
    }

    /** The host part of a URL after "scheme://", or "" when there is nothing recognisable. */
    private static String hostOfUrl(String afterScheme) {
        String authority = afterScheme.split("[/?#]", 2)[0];
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? "" : authority.substring(0, close + 1);
        }
        int colon = authority.indexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** ", e.g. \"host\"" when the candidate is itself a valid target, so a hint never suggests bad input. */
    private static String hint(String candidate) {
        try {
            return ", e.g. " + quote(canonicalise(candidate).name);
        } catch (InvalidTargetException e) {
            return "";
        }
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("the control character U+%04X", (int) c);
        }
        return "'" + c + "'";
    }

    private static String quote(String text) {
        return "\"" + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "…" : text) + "\"";
    }
}
