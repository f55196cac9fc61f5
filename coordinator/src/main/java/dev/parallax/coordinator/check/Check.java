package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;

import java.time.Instant;
import java.util.UUID;

/**
 * A submitted check: one target and port set, probed once from each of its regions. A row of {@code checks}, written
 * and read through {@link CheckRows}.
 *
 * @param ports          canonical port-set text, e.g. {@code 22,443,8000-8010}
 * @param scheduleId     the schedule this check is a run of; null for a check submitted on its own
 * @param evaluatedAt    when the alert evaluator took this run of a schedule into account; null until then
 * @param owner          whoever submitted the check, or whose schedule fired it: nobody else sees it
 * @param divergentPorts ports the regions disagree on so far; maintained by the verdict store
 */
public record Check(UUID id, String target, String ports, int portCount, int timeoutMs, IpFamily ipFamily,
                    CheckStatus status, Instant createdAt, Instant deadline, Instant completedAt, UUID scheduleId,
                    Instant evaluatedAt, String owner, int divergentPorts) {
}
