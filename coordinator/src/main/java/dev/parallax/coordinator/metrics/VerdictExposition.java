package dev.parallax.coordinator.metrics;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.result.PortResult;
import dev.parallax.coordinator.result.PortResults;
import dev.parallax.coordinator.result.RegionResult;
import dev.parallax.coordinator.result.RegionResults;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.instant;

/**
 * The latest verdicts of an owner's active schedules as Prometheus gauges, in blackbox_exporter's spirit but per
 * vantage point: for each schedule's latest completed run, one series per region, address and port. A Prometheus
 * user alerts with PromQL on them, e.g. {@code sum by (schedule, port) (parallax_port_open == 0) >= 2} for "closed or
 * filtered from two regions".
 *
 * <p>Written by the Prometheus Java client's text writer (format 0.0.4), which orders what it writes: families by
 * name, each family's series by their labels, labels by name; a family without a series is left out.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class VerdictExposition {

    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    /** The media type of what {@link #render} writes: {@code text/plain; version=0.0.4; charset=utf-8}. */
    public static final String CONTENT_TYPE = WRITER.getContentType();

    private final DataSource dataSource;
    private final RegionResults regionResults;
    private final PortResults portResults;

    public VerdictExposition(DataSource dataSource, RegionResults regionResults, PortResults portResults) {
        this.dataSource = dataSource;
        this.regionResults = regionResults;
        this.portResults = portResults;
    }

    /** A schedule's latest completed run: the labels every series of it carries, and when it was submitted. */
    private record Run(String schedule, String target, Instant createdAt) {
    }

    /** The exposition for the owner's schedules that are not paused and have a completed run. */
    public String render(String owner) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            WRITER.write(out, snapshots(owner));
        } catch (IOException impossible) {
            throw new UncheckedIOException("writing to memory failed", impossible);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private MetricSnapshots snapshots(String owner) {
        Map<UUID, Run> latest = latestRuns(owner);
        GaugeSnapshot.Builder open = gauge("parallax_port_open", "Whether the port answered OPEN from the region in "
                + "the schedule's latest completed run (1) or not (0).");
        GaugeSnapshot.Builder state = gauge("parallax_port_state", "The port's state from the region in the latest "
                + "run: 1 for the state it was in, 0 for the others.");
        GaugeSnapshot.Builder connect = gauge("parallax_connect_seconds", "Time to the probe's answer in the latest "
                + "run: the handshake for OPEN, the reset for CLOSED, the timeout for FILTERED without an answer.");
        for (PortResult port : portResults.ofChecks(latest.keySet())) {
            Run run = latest.get(port.checkId());
            Labels labels = Labels.of("schedule", run.schedule(), "target", run.target(), "region", port.region(),
                    "address", port.address(), "port", Integer.toString(port.port()));
            open.dataPoint(point(labels, port.state() == PortState.OPEN ? 1 : 0));
            for (PortState each : PortState.values()) {
                state.dataPoint(point(labels.add("state", each.name().toLowerCase(Locale.ROOT)),
                        port.state() == each ? 1 : 0));
            }
            connect.dataPoint(point(labels, port.rttMicros() / 1e6));
        }
        GaugeSnapshot.Builder regionUp = gauge("parallax_region_up", "Whether the region answered the latest run "
                + "(1, DONE) or ended it otherwise (0: UNAVAILABLE, FAILED, BLOCKED, UNRESOLVED, EXPIRED), with that "
                + "status.");
        for (RegionResult region : regionResults.ofChecks(latest.keySet())) {
            Run run = latest.get(region.checkId());
            regionUp.dataPoint(point(Labels.of("schedule", run.schedule(), "target", run.target(), "region",
                    region.region(), "status", region.status().name().toLowerCase(Locale.ROOT)),
                    region.status() == RegionStatus.DONE ? 1 : 0));
        }
        GaugeSnapshot.Builder runAt = gauge("parallax_run_timestamp_seconds", "When the schedule's latest completed "
                + "run was submitted (Unix time): how fresh the other series are.");
        for (Run run : latest.values()) {
            runAt.dataPoint(point(Labels.of("schedule", run.schedule(), "target", run.target()),
                    run.createdAt().toEpochMilli() / 1000.0));
        }
        return MetricSnapshots.of(open.build(), state.build(), connect.build(), regionUp.build(), runAt.build());
    }

    /** Each active schedule's latest completed run of this owner, by its check's id. */
    private Map<UUID, Run> latestRuns(String owner) {
        Map<UUID, Run> latest = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT DISTINCT ON (c.schedule_id) c.schedule_id, c.id, s.target, c.created_at
                       FROM checks c JOIN schedules s ON s.id = c.schedule_id
                      WHERE s.owner = ? AND NOT s.paused AND c.status = 'COMPLETE'
                      ORDER BY c.schedule_id, c.created_at DESC
                     """)) {
            select.setString(1, owner);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    latest.put(rows.getObject("id", UUID.class), new Run(rows.getString("schedule_id"),
                            rows.getString("target"), instant(rows, "created_at")));
                }
            }
        } catch (SQLException e) {
            throw new PersistenceException("reading the latest runs of " + owner + "'s schedules failed: "
                    + e.getMessage(), e);
        }
        return latest;
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
