package dev.parallax.coordinator.testinfra;

import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.RegionStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Verdicts as an agent would publish them. */
public final class Verdicts {

    private Verdicts() {
    }

    public static ProbeVerdict done(UUID checkId, String region, PortVerdict... ports) {
        Instant now = Instant.now();
        return new ProbeVerdict(UUID.randomUUID(), checkId, region, region + "-agent", RegionStatus.DONE, null,
                List.of("127.0.0.1"), 42, List.of(ports), now.minusMillis(5), now);
    }
}
