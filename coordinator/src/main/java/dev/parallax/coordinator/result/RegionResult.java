package dev.parallax.coordinator.result;

import dev.parallax.common.contract.RegionStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Where one (check, region) stands. Written PENDING with the check, then changed exactly once: by the
 * first verdict, or by the deadline sweeper. Changes go through {@link VerdictStore} and {@link DeadlineSweeper}.
 */
@Entity
@Table(name = "region_results")
@IdClass(RegionResult.Key.class)
public class RegionResult extends PanacheEntityBase {

    /** The reason a region ends UNAVAILABLE when no agent of it is live. */
    public static final String NO_LIVE_AGENT = "no-live-agent";

    @Id
    @Column(name = "check_id")
    public UUID checkId;

    @Id
    public String region;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RegionStatus status;

    @Column(name = "agent_id")
    public String agentId;

    public String message;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "resolved_addresses", columnDefinition = "text[]")
    public List<String> resolvedAddresses;

    @Column(name = "resolve_micros")
    public Long resolveMicros;

    @Column(name = "verdict_id")
    public UUID verdictId;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Composite key (check id, region). */
    public static class Key implements Serializable {
        public UUID checkId;
        public String region;

        public Key() {
        }

        public Key(UUID checkId, String region) {
            this.checkId = checkId;
            this.region = region;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && Objects.equals(checkId, that.checkId)
                    && Objects.equals(region, that.region);
        }

        @Override
        public int hashCode() {
            return Objects.hash(checkId, region);
        }
    }
}
