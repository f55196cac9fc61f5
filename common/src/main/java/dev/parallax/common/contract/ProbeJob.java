package dev.parallax.common.contract;

import dev.parallax.common.targeting.PortSet;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One check's work for one region, published to {@code parallax.jobs.<region>} keyed by check id.
 *
 * @param checkId   the check this job belongs to
 * @param region    the region that must probe it
 * @param target    a hostname (A-label) or an IP literal, as the coordinator validated it
 * @param ports     the ports to probe on every address the target resolves to
 * @param timeoutMs the connect deadline of each probe
 * @param ipFamily  which resolved addresses to probe
 * @param issuedAt  when the coordinator accepted the check
 * @param deadline  after this instant the job is worthless: an agent answers EXPIRED instead of probing
 */
public record ProbeJob(
        UUID checkId,
        String region,
        String target,
        PortSet ports,
        int timeoutMs,
        IpFamily ipFamily,
        Instant issuedAt,
        Instant deadline) {

    public ProbeJob {
        Objects.requireNonNull(checkId, "checkId");
        Topics.requireRegionName(region);
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target must not be blank");
        }
        Objects.requireNonNull(ports, "ports");
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be positive; got " + timeoutMs);
        }
        ipFamily = ipFamily == null ? IpFamily.ANY : ipFamily;
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(deadline, "deadline");
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(deadline);
    }
}
