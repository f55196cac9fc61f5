package dev.parallax.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A check to run once ({@code POST /api/v1/checks}); null fields are left out, for the API's defaults.
 *
 * @param ports     port numbers, and ranges as strings ({@code "8000-8010"}), as the API reads them
 * @param regions   the regions to probe from; null or empty for every region with a live agent
 * @param timeoutMs the connect deadline of each probe
 * @param ipFamily  {@code any}, {@code ipv4} or {@code ipv6}
 */
public record CheckRequest(String target, List<Object> ports, List<String> regions, Long timeoutMs,
                           String ipFamily) {

    String toJson() {
        return Json.write(fields());
    }

    /** The body's fields, null ones left out; a schedule's body starts from them. */
    Map<String, Object> fields() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", target);
        body.put("ports", ports);
        if (regions != null && !regions.isEmpty()) {
            body.put("regions", regions);
        }
        if (timeoutMs != null) {
            body.put("timeoutMs", timeoutMs);
        }
        if (ipFamily != null) {
            body.put("ipFamily", ipFamily);
        }
        return body;
    }
}
