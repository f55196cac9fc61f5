package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** What one region found for one (resolved address, port) of a check. Written once, never updated. */
@Entity
@Table(name = "port_results")
@IdClass(PortResult.Key.class)
public class PortResult extends PanacheEntityBase {

    @Id
    @Column(name = "check_id")
    public UUID checkId;

    @Id
    public String region;

    @Id
    public String address;

    @Id
    public int port;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PortState state;

    /** nmap-style reason, e.g. {@code syn-ack}. */
    @Column(nullable = false)
    public String reason;

    @Column(name = "rtt_micros", nullable = false)
    public long rttMicros;

    public String message;

    /** Composite key (check id, region, address, port). */
    public static class Key implements Serializable {
        public UUID checkId;
        public String region;
        public String address;
        public int port;

        public Key() {
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && port == that.port && Objects.equals(checkId, that.checkId)
                    && Objects.equals(region, that.region) && Objects.equals(address, that.address);
        }

        @Override
        public int hashCode() {
            return Objects.hash(checkId, region, address, port);
        }
    }
}
