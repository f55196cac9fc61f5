package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A recurring check: what to probe, how often, and when it fires next. */
@Entity
@Table(name = "schedules")
public class Schedule extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String target;

    /** Canonical port-set text, e.g. {@code 22,443,8000-8010}. */
    @Column(nullable = false)
    public String ports;

    @Column(name = "port_count", nullable = false)
    public int portCount;

    /** The regions named; null for every region with a live agent at each run. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> regions;

    @Column(name = "region_limit")
    public Integer regionLimit;

    @Column(name = "timeout_ms", nullable = false)
    public int timeoutMs;

    @Enumerated(EnumType.STRING)
    @Column(name = "ip_family", nullable = false)
    public IpFamily ipFamily;

    @Column(name = "every_ms")
    public Long everyMs;

    @Column(name = "cron")
    public String cron;

    /** The state that counts as up: OPEN unless the schedule watches that a port stays closed or filtered. */
    @Enumerated(EnumType.STRING)
    @Column(name = "expected_state", nullable = false)
    public PortState expectedState;

    @Column(name = "alert_webhook")
    public String alertWebhook;

    @Column(name = "alert_quorum", nullable = false)
    public int alertQuorum;

    @Column(name = "alert_consecutive", nullable = false)
    public int alertConsecutive;

    /** Signs webhook bodies; set at creation, shown to the owner once. */
    @Column(name = "webhook_secret")
    public String webhookSecret;

    @Column(nullable = false)
    public boolean paused;

    /**
     * Whose check-cost bucket the runs take from: the key that created or last changed the schedule
     * ({@code key:<id>}), an anonymous caller's address ({@code address:<ip>}), or, for a schedule older than budgets,
     * its owner ({@code owner:<owner>}).
     */
    @Column(name = "quota_subject", nullable = false)
    public String quotaSubject;

    /** What the schedule may cost in an hour at its densest: ports x regions x runs an hour. */
    @Column(name = "cost_per_hour", nullable = false)
    public long costPerHour;

    /** Since when runs have been skipped for want of budget; null while they are charged. */
    @Column(name = "over_budget_since")
    public Instant overBudgetSince;

    @Column(name = "next_fire_at", nullable = false)
    public Instant nextFireAt;

    @Column(name = "last_fired_at")
    public Instant lastFiredAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The cadence this row describes. */
    public Cadence cadence() {
        return everyMs != null ? new Cadence.Every(Duration.ofMillis(everyMs)) : Cadence.CronExpression.parse(cron);
    }
}
