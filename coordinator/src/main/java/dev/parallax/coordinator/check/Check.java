package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A submitted check: one target and port set, probed once from each of its regions. */
@Entity
@Table(name = "checks")
public class Check extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String target;

    /** Canonical port-set text, e.g. {@code 22,443,8000-8010}. */
    @Column(nullable = false)
    public String ports;

    @Column(name = "port_count", nullable = false)
    public int portCount;

    @Column(name = "timeout_ms", nullable = false)
    public int timeoutMs;

    @Enumerated(EnumType.STRING)
    @Column(name = "ip_family", nullable = false)
    public IpFamily ipFamily;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public CheckStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public Instant deadline;

    @Column(name = "completed_at")
    public Instant completedAt;

    /** The schedule this check is a run of; null for a check submitted on its own. */
    @Column(name = "schedule_id")
    public UUID scheduleId;

    /** When the alert evaluator took this run of a schedule into account; null until then. */
    @Column(name = "evaluated_at")
    public Instant evaluatedAt;

    /** Whoever submitted the check, or whose schedule fired it: nobody else sees it. */
    @Column(nullable = false)
    public String owner;

    /** Ports the regions disagree on so far; maintained by the verdict store. */
    @Column(name = "divergent_ports", nullable = false)
    public int divergentPorts;
}
