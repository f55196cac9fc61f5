package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.database.SqlTimestamps;
import dev.parallax.coordinator.result.PortResults;
import dev.parallax.coordinator.result.RegionResults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The latest verdicts of an owner's active schedules in the Prometheus text format, in blackbox_exporter's
 * spirit but per vantage point: for each schedule's latest completed run, one series per region, address and
 * port. A Prometheus user alerts with PromQL on them, e.g. {@code sum by (schedule, port)
 * (parallax_port_open == 0) >= 2} for "closed or filtered from two regions".
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class VerdictExposition {

    /** The media type of the text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String[] STATES = {"OPEN", "CLOSED", "FILTERED", "ERROR"};

    private final EntityManager em;
    private final RegionResults regionResults;
    private final PortResults portResults;

    public VerdictExposition(EntityManager em, RegionResults regionResults, PortResults portResults) {
        this.em = em;
        this.regionResults = regionResults;
        this.portResults = portResults;
    }

    private record PortRow(String schedule, String target, String region, String address, int port, String state,
                           String reason, long rttMicros) {
    }

    private record RegionRow(String schedule, String target, String region, String status) {
    }

    private record RunRow(String schedule, String target, Instant createdAt) {
    }

    /** The exposition for the owner's schedules that are not paused and have a completed run. */
    public String render(String owner) {
        @SuppressWarnings("unchecked")
        List<Object[]> runs = em.createNativeQuery("""
                        SELECT DISTINCT ON (c.schedule_id) c.schedule_id, c.id, s.target, c.created_at
                          FROM checks c JOIN schedules s ON s.id = c.schedule_id
                         WHERE s.owner = :owner AND NOT s.paused AND c.status = 'COMPLETE'
                         ORDER BY c.schedule_id, c.created_at DESC""")
                .setParameter("owner", owner)
                .getResultList();
        Map<UUID, RunRow> latest = new LinkedHashMap<>();
        for (Object[] run : runs) {
            latest.put((UUID) run[1], new RunRow(run[0].toString(), (String) run[2], SqlTimestamps.instant(run[3])));
        }
        List<RegionRow> regions = regionResults.ofChecks(latest.keySet()).stream()
                .map(r -> new RegionRow(latest.get(r.checkId()).schedule(), latest.get(r.checkId()).target(),
                        r.region(), r.status().name()))
                .sorted(Comparator.comparing(RegionRow::schedule).thenComparing(RegionRow::region))
                .toList();
        List<PortRow> ports = portResults.ofChecks(latest.keySet()).stream()
                .map(p -> new PortRow(latest.get(p.checkId()).schedule(), latest.get(p.checkId()).target(),
                        p.region(), p.address(), p.port(), p.state().name(), p.reason(), p.rttMicros()))
                .sorted(Comparator.comparing(PortRow::schedule).thenComparing(PortRow::region)
                        .thenComparing(PortRow::address).thenComparingInt(PortRow::port))
                .toList();
        return format(List.copyOf(latest.values()), regions, ports);
    }

    private static String format(List<RunRow> runs, List<RegionRow> regions, List<PortRow> ports) {
        StringBuilder out = new StringBuilder();
        family(out, "parallax_port_open", "Whether the port answered OPEN from the region in the schedule's latest"
                + " completed run (1) or not (0).");
        for (PortRow p : ports) {
            sample(out, "parallax_port_open", portLabels(p, null), "OPEN".equals(p.state()) ? 1 : 0);
        }
        family(out, "parallax_port_state", "The port's state from the region in the latest run: 1 for the state it"
                + " was in, 0 for the others.");
        for (PortRow p : ports) {
            for (String state : STATES) {
                sample(out, "parallax_port_state", portLabels(p, state.toLowerCase(Locale.ROOT)),
                        state.equals(p.state()) ? 1 : 0);
            }
        }
        family(out, "parallax_connect_seconds", "Time to the probe's answer in the latest run: the handshake for"
                + " OPEN, the reset for CLOSED, the timeout for FILTERED without an answer.");
        for (PortRow p : ports) {
            sample(out, "parallax_connect_seconds", portLabels(p, null), p.rttMicros() / 1e6);
        }
        family(out, "parallax_region_up", "Whether the region answered the latest run (1, DONE) or ended it"
                + " otherwise (0: UNAVAILABLE, FAILED, BLOCKED, UNRESOLVED, EXPIRED), with that status.");
        for (RegionRow r : regions) {
            sample(out, "parallax_region_up", labels("schedule", r.schedule(), "target", r.target(), "region",
                    r.region(), "status", r.status().toLowerCase(Locale.ROOT)), "DONE".equals(r.status()) ? 1 : 0);
        }
        family(out, "parallax_run_timestamp_seconds", "When the schedule's latest completed run was submitted"
                + " (Unix time): how fresh the other series are.");
        for (RunRow run : runs) {
            sample(out, "parallax_run_timestamp_seconds", labels("schedule", run.schedule(), "target", run.target()),
                    run.createdAt().toEpochMilli() / 1000.0);
        }
        return out.toString();
    }

    private static String portLabels(PortRow p, String state) {
        return state == null
                ? labels("schedule", p.schedule(), "target", p.target(), "region", p.region(), "address", p.address(),
                "port", Integer.toString(p.port()))
                : labels("schedule", p.schedule(), "target", p.target(), "region", p.region(), "address", p.address(),
                "port", Integer.toString(p.port()), "state", state);
    }

    private static void family(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append(labels).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    /** {@code {k="v",...}} with the values escaped as the text format asks (backslash, quote, newline). */
    private static String labels(String... pairs) {
        StringBuilder labels = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            labels.append(i == 0 ? "" : ",").append(pairs[i]).append("=\"")
                    .append(pairs[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
                    .append('"');
        }
        return labels.append('}').toString();
    }
}
