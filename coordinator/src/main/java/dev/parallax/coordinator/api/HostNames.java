package dev.parallax.coordinator.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.Locale;

/** Host names as the coordinator compares them: lower case, no IPv6 brackets, no trailing dot, no port. */
public final class HostNames {

    private HostNames() {
    }

    /**
     * The host the request names (the {@code Host} header), normalised; empty when it names none (an HTTP/1.0 request
     * may send no {@code Host}).
     */
    public static String of(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        return authority == null || authority.host() == null ? "" : normalize(authority.host());
    }

    public static String normalize(String host) {
        String value = host.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    }

    /** An IPv4 or IPv6 address as written in a {@code Host}, normalised: a DNS name always has a letter at its end. */
    public static boolean isAddress(String normalized) {
        return normalized.indexOf(':') >= 0
                || !normalized.isEmpty() && normalized.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }
}
