package dev.parallax.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The check as a table: one row per region, address and port, with the state, nmap's reason and the connect
 * time; a region that has not answered shows as waiting, one that ended without probing shows its status and
 * reason.
 */
final class ResultTable {

    private static final String[] HEADER = {"REGION", "STATUS", "ADDRESS", "PORT", "STATE", "REASON", "CONNECT"};

    private final Map<String, JsonNode> regions = new LinkedHashMap<>();

    /** Starts with every requested region waiting. */
    ResultTable(List<String> requested) {
        requested.forEach(region -> regions.put(region, null));
    }

    /** A region's answer (a {@code region} event, or an entry of the check's {@code regions}). */
    void update(JsonNode region) {
        regions.put(region.path("region").asText(), region);
    }

    List<String> lines() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        regions.forEach((name, region) -> {
            if (region == null) {
                rows.add(new String[] {name, "waiting…", "", "", "", "", ""});
                return;
            }
            String status = region.path("status").asText();
            JsonNode ports = region.path("ports");
            if (!ports.isArray() || ports.isEmpty()) {
                String message = region.path("message").isNull() ? "" : region.path("message").asText();
                rows.add(new String[] {name, status, "", "", "", message, ""});
                return;
            }
            for (JsonNode port : ports) {
                rows.add(new String[] {name, status, port.path("address").asText(), port.path("port").asText(),
                        port.path("state").asText(), port.path("reason").asText(),
                        millis(port.path("rttMicros").asLong())});
            }
        });
        return Columns.format(rows);
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
