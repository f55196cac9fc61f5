package dev.parallax.common.targeting;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Strict IP literal parsing and RFC 5952 text, shared by {@link TargetHost}, {@link Cidr} and
 * {@link TargetPolicy}. Nothing here ever asks DNS: that is the point of the class.
 */
final class IpAddresses {

    static final int IPV4_BYTES = 4;
    static final int IPV6_BYTES = 16;

    // "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
    private static final int MAX_IPV6_TEXT = 45;

    private IpAddresses() {
    }

    /**
     * Parses exactly four decimal octets 0-255 without leading zeros. The short, octal and hex forms
     * that inet_aton accepts ("127.1", "0177.0.0.1", "0x7f.0.0.1") are refused because they read
     * differently in different parsers, which is how allow/deny checks get bypassed.
     *
     * @return the four bytes, or {@code null} when the text is not such a literal
     */
    static byte[] parseIpv4(String text) {
        if (text.length() < 7 || text.length() > 15) {
            return null;
        }
        byte[] bytes = new byte[IPV4_BYTES];
        int octet = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && text.charAt(i) != '.') {
                char c = text.charAt(i);
                if (c < '0' || c > '9' || i - start >= 3) {
                    return null;
                }
                continue;
            }
            int digits = i - start;
            if (octet >= IPV4_BYTES || digits == 0 || (digits > 1 && text.charAt(start) == '0')) {
                return null;
            }
            int value = Integer.parseInt(text, start, i, 10);
            if (value > 255) {
                return null;
            }
            bytes[octet++] = (byte) value;
            start = i + 1;
        }
        return octet == IPV4_BYTES ? bytes : null;
    }

    /**
     * Parses an IPv6 literal without brackets and without a zone id.
     *
     * @return the sixteen bytes (an IPv4-mapped literal stays sixteen bytes), or {@code null} when the
     *         text is not such a literal
     */
    static byte[] parseIpv6(String text) {
        if (text.length() < 2 || text.length() > MAX_IPV6_TEXT || text.indexOf(':') < 0) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
                return null;
            }
        }
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.') >= 0 && parseIpv4(text.substring(lastColon + 1)) == null) {
            // The JDK reads "::ffff:010.0.0.1" as 10.0.0.1; hold the embedded IPv4 to the same strict form.
            return null;
        }
        InetAddress address;
        try {
            // With brackets the JDK only ever parses a literal: an invalid one throws instead of falling
            // back to a name lookup, which the unbracketed form can do.
            address = InetAddress.getByName("[" + text + "]");
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == IPV4_BYTES) {
            // The JDK turns ::ffff:a.b.c.d into an Inet4Address; the caller asked for the IPv6 form.
            return mapped(bytes);
        }
        return bytes;
    }

    /** The IPv4-mapped IPv6 form ::ffff:a.b.c.d of four IPv4 bytes. */
    static byte[] mapped(byte[] ipv4) {
        byte[] bytes = new byte[IPV6_BYTES];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, bytes, 12, IPV4_BYTES);
        return bytes;
    }

    static boolean isMapped(byte[] bytes) {
        if (bytes.length != IPV6_BYTES || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Dotted quad for IPv4; RFC 5952 for IPv6 (lowercase, longest zero run as "::", mapped as ::ffff:a.b.c.d). */
    static String format(byte[] bytes) {
        if (bytes.length == IPV4_BYTES) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        if (bytes.length != IPV6_BYTES) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        }
        if (isMapped(bytes)) {
            return "::ffff:" + format(Arrays.copyOfRange(bytes, 12, 16));
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            // RFC 5952 4.2: only runs of two or more groups, the first of equally long runs.
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = end;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /**
     * An InetAddress for the bytes, without any lookup. Sixteen bytes always give an Inet6Address, even
     * for a mapped address (InetAddress.getByAddress would quietly return an Inet4Address). The host name
     * is set to the literal so that a later getHostName() cannot trigger a reverse lookup.
     */
    static InetAddress toInetAddress(byte[] bytes) {
        String text = format(bytes);
        try {
            return bytes.length == IPV6_BYTES
                    ? Inet6Address.getByAddress(text, bytes, -1)
                    : InetAddress.getByAddress(text, bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
        }
    }
}
