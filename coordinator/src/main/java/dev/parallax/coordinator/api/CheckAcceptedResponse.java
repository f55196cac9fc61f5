package dev.parallax.coordinator.api;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.coordinator.check.CheckStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Body of the 202 answer to {@code POST /api/v1/checks}; {@code self} is where to read the results. */
public record CheckAcceptedResponse(UUID id, CheckStatus status, String target, String ports, List<String> regions,
                                    int timeoutMs, IpFamily ipFamily, Instant createdAt, Instant deadline,
                                    String self) {
}
