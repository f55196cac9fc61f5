package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.database.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;
import static dev.parallax.coordinator.database.SqlTimestamps.instant;

/**
 * The {@code schedules} table as the API and the alert evaluator use it, in plain JDBC and never as entities. The
 * firer, which claims due schedules by the hundred a second, reads and moves them on in its own batched statements
 * ({@link ScheduleFirer}); the table is reached through SQL only, everywhere, so that both see the same rows the same
 * way. Plain JDBC over the DataSource, which inside a transaction hands out that transaction's connection.
 */
@ApplicationScoped
public class ScheduleRows {

    /** The columns {@link #schedule} maps, by these names. */
    private static final String COLUMNS = "id, owner, target, ports, port_count, regions, region_limit, timeout_ms, "
            + "ip_family, every_ms, cron, expected_state, alert_webhook, alert_quorum, alert_consecutive, "
            + "webhook_secret, paused, quota_subject, cost_per_hour, over_budget_since, next_fire_at, last_fired_at, "
            + "created_at, updated_at";

    private final DataSource dataSource;

    public ScheduleRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void insert(Schedule schedule) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO schedules (" + COLUMNS + ")"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, schedule.id());
            insert.setString(2, schedule.owner());
            bindChangeable(connection, insert, 3, schedule);
            insert.setString(16, schedule.webhookSecret());
            insert.setBoolean(17, schedule.paused());
            insert.setString(18, schedule.quotaSubject());
            insert.setLong(19, schedule.costPerHour());
            insert.setObject(20, bind(schedule.overBudgetSince()));
            insert.setObject(21, bind(schedule.nextFireAt()));
            insert.setObject(22, bind(schedule.lastFiredAt()));
            insert.setObject(23, bind(schedule.createdAt()));
            insert.setObject(24, bind(schedule.updatedAt()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failed("storing schedule " + schedule.id(), e);
        }
    }

    /**
     * Writes what a change may change: what to probe, the cadence, the alert, whose budget pays and how much, the next
     * run, paused, the time of the change. What the firer keeps (the last firing, the budget state) stays as it is.
     * The caller MUST hold the row's lock ({@link #lock}).
     */
    public void update(Schedule schedule) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE schedules
                        SET target = ?, ports = ?, port_count = ?, regions = ?, region_limit = ?, timeout_ms = ?,
                            ip_family = ?, every_ms = ?, cron = ?, expected_state = ?, alert_webhook = ?,
                            alert_quorum = ?, alert_consecutive = ?, paused = ?, quota_subject = ?,
                            cost_per_hour = ?, next_fire_at = ?, updated_at = ?
                      WHERE id = ?
                     """)) {
            bindChangeable(connection, update, 1, schedule);
            update.setBoolean(14, schedule.paused());
            update.setString(15, schedule.quotaSubject());
            update.setLong(16, schedule.costPerHour());
            update.setObject(17, bind(schedule.nextFireAt()));
            update.setObject(18, bind(schedule.updatedAt()));
            update.setObject(19, schedule.id());
            update.executeUpdate();
        } catch (SQLException e) {
            throw Jdbc.failed("changing schedule " + schedule.id(), e);
        }
    }

    /** The schedule, whoever owns it (the alert evaluator's view). */
    public Optional<Schedule> find(UUID id) {
        return first(list("SELECT " + COLUMNS + " FROM schedules WHERE id = ?", id));
    }

    /** The owner's schedule with this id. */
    public Optional<Schedule> find(UUID id, String owner) {
        return first(list("SELECT " + COLUMNS + " FROM schedules WHERE id = ? AND owner = ?", id, owner));
    }

    /** As {@link #find(UUID, String)}, locking the row until the transaction ends: MUST run in one. */
    public Optional<Schedule> lock(UUID id, String owner) {
        return first(list("SELECT " + COLUMNS + " FROM schedules WHERE id = ? AND owner = ? FOR UPDATE", id, owner));
    }

    /** The owner's schedules, newest first. */
    public List<Schedule> ofOwner(String owner) {
        return list("SELECT " + COLUMNS + " FROM schedules WHERE owner = ? ORDER BY created_at DESC, id DESC", owner);
    }

    public long count(String owner) {
        return number("SELECT count(*) FROM schedules WHERE owner = ?", owner);
    }

    /** What the subject's active schedules other than {@code except} may cost in an hour, together. */
    public long committedCost(String quotaSubject, UUID except) {
        return number("""
                SELECT coalesce(sum(cost_per_hour), 0) FROM schedules
                 WHERE quota_subject = ? AND NOT paused AND id <> ?""", quotaSubject, except);
    }

    /** Whether there was such a schedule of the owner's to delete. */
    public boolean delete(UUID id, String owner) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM schedules WHERE id = ? AND owner = ?")) {
            delete.setObject(1, id);
            delete.setString(2, owner);
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw Jdbc.failed("deleting schedule " + id, e);
        }
    }

    /**
     * Takes a transaction-scoped advisory lock (PostgreSQL's two-key form: a class of lock, and a text hashed) until
     * the transaction ends: MUST run in one.
     */
    public void advisoryLock(int kind, String subject) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, kind);
            lock.setString(2, subject);
            lock.executeQuery().close();
        } catch (SQLException e) {
            throw Jdbc.failed("locking " + subject, e);
        }
    }

    /** Binds the 13 columns a change may rewrite, from target to alert_consecutive, from {@code first} on. */
    private static void bindChangeable(Connection connection, PreparedStatement statement, int first,
                                       Schedule schedule) throws SQLException {
        int i = first;
        statement.setString(i++, schedule.target());
        statement.setString(i++, schedule.ports());
        statement.setInt(i++, schedule.portCount());
        statement.setArray(i++, schedule.regions() == null ? null
                : connection.createArrayOf("text", schedule.regions().toArray()));
        statement.setObject(i++, schedule.regionLimit(), Types.INTEGER);
        statement.setInt(i++, schedule.timeoutMs());
        statement.setString(i++, schedule.ipFamily().name());
        statement.setObject(i++, schedule.everyMs(), Types.BIGINT);
        statement.setString(i++, schedule.cron());
        statement.setString(i++, schedule.expectedState().name());
        statement.setString(i++, schedule.alertWebhook());
        statement.setInt(i++, schedule.alertQuorum());
        statement.setInt(i, schedule.alertConsecutive());
    }

    private List<Schedule> list(String sql, Object... parameters) {
        return Jdbc.query(dataSource, "reading schedules", sql, ScheduleRows::schedule, parameters);
    }

    private long number(String sql, Object... parameters) {
        return Jdbc.query(dataSource, "reading schedules", sql, row -> row.getLong(1), parameters).getFirst();
    }

    private static Optional<Schedule> first(List<Schedule> schedules) {
        return schedules.stream().findFirst();
    }

    /** The schedule row at the cursor, its columns named as in {@link #COLUMNS}. */
    private static Schedule schedule(ResultSet row) throws SQLException {
        Array regions = row.getArray("regions");
        List<String> named = null;
        if (regions != null) {
            named = Arrays.asList((String[]) regions.getArray());
            regions.free();
        }
        return new Schedule(row.getObject("id", UUID.class), row.getString("owner"), row.getString("target"),
                row.getString("ports"), row.getInt("port_count"), named, row.getObject("region_limit", Integer.class),
                row.getInt("timeout_ms"), IpFamily.valueOf(row.getString("ip_family")),
                row.getObject("every_ms", Long.class), row.getString("cron"),
                PortState.valueOf(row.getString("expected_state")), row.getString("alert_webhook"),
                row.getInt("alert_quorum"), row.getInt("alert_consecutive"), row.getString("webhook_secret"),
                row.getBoolean("paused"), row.getString("quota_subject"), row.getLong("cost_per_hour"),
                instant(row, "over_budget_since"), instant(row, "next_fire_at"), instant(row, "last_fired_at"),
                instant(row, "created_at"), instant(row, "updated_at"));
    }

}
