package dev.parallax.cli;

import dev.parallax.client.Check;

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

    private final Map<String, Check.Region> regions = new LinkedHashMap<>();

    /** Starts with every requested region waiting. */
    ResultTable(List<String> requested) {
        requested.forEach(region -> regions.put(region, null));
    }

    /** A region's answer (a {@code region} event, or an entry of the check's {@code regions}). */
    void update(Check.Region region) {
        regions.put(region.region(), region);
    }

    List<String> lines() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        regions.forEach((name, region) -> {
            if (region == null) {
                rows.add(new String[] {name, "waiting…", "", "", "", "", ""});
                return;
            }
            String status = region.status();
            if (region.ports().isEmpty()) {
                String message = region.message() == null ? "" : region.message();
                rows.add(new String[] {name, status, "", "", "", message, ""});
                return;
            }
            for (Check.Port port : region.ports()) {
                rows.add(new String[] {name, status, port.address(), Integer.toString(port.port()), port.state(),
                        port.reason(), millis(port.rttMicros())});
            }
        });
        return Columns.format(rows);
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
