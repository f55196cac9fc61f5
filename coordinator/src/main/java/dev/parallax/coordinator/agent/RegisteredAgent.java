package dev.parallax.coordinator.agent;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;

/** An agent as its latest heartbeat describes it. Written only by {@link AgentRegistry}. */
@Entity
@Table(name = "agents")
public class RegisteredAgent extends PanacheEntityBase {

    @Id
    @Column(name = "agent_id")
    public String agentId;

    @Column(nullable = false)
    public String region;

    public String version;

    @Column(name = "probe_capacity", nullable = false)
    public int probeCapacity;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "sent_at", nullable = false)
    public Instant sentAt;

    @Column(name = "last_seen", nullable = false)
    public Instant lastSeen;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "egress_addresses", columnDefinition = "text[]")
    public List<String> egressAddresses;
}
