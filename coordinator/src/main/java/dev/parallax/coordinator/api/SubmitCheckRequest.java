package dev.parallax.coordinator.api;

import java.util.List;

/**
 * Body of {@code POST /api/v1/checks}.
 *
 * @param target    hostname (IDN allowed) or IP literal
 * @param ports     numbers and/or ranges, e.g. {@code [22, 443, "8000-8010"]}
 * @param regions   a list of regions, or {@code "all"}; absent = every region with a live agent
 * @param limit     probe from this many of those regions only, picked at random so that the load spreads
 * @param timeoutMs connect timeout per probe; the configured default when absent
 * @param ipFamily  {@code any} (default), {@code ipv4} or {@code ipv6}
 */
public record SubmitCheckRequest(String target, List<Object> ports, Object regions, Integer limit, Integer timeoutMs,
                                 String ipFamily) {

    /** The fields a caller may send; named in the error for a misspelt one. */
    public static final List<String> FIELDS = List.of("target", "ports", "regions", "limit", "timeoutMs",
            "ipFamily");
}
