package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.target.PortSet;
import dev.parallax.common.target.TargetHost;

import java.time.Duration;
import java.util.List;

/** A check request after validation: every field parsed, defaulted and within limits. */
public record CheckSpec(TargetHost target, PortSet ports, List<String> regions, Duration timeout, IpFamily ipFamily) {
}
