package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.targeting.PortSet;
import dev.parallax.common.targeting.TargetHost;

import java.time.Duration;
import java.util.List;

/** A check request after validation: every field parsed, defaulted and within limits. */
public record CheckSpec(TargetHost target, PortSet ports, List<String> regions, Duration timeout, IpFamily ipFamily) {
}
