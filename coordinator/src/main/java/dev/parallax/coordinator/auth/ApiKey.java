package dev.parallax.coordinator.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored API key: its SHA-256, never the key itself. */
@Entity
@Table(name = "api_keys")
public class ApiKey extends PanacheEntityBase {

    @Id
    public UUID id;

    /** Hex SHA-256 of the whole key. */
    @Column(name = "key_hash", nullable = false, unique = true)
    public String keyHash;

    @Column(name = "key_prefix", nullable = false)
    public String keyPrefix;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String owner;

    /** Wire names of the scopes, e.g. {@code checks:write}. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> scopes;

    /** Null: the configured default. */
    @Column(name = "cost_per_hour")
    public Integer costPerHour;

    /** Null: the configured default. */
    @Column(name = "requests_per_second")
    public Integer requestsPerSecond;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
