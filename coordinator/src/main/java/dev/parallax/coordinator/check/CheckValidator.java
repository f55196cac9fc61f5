package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.target.InvalidTargetException;
import dev.parallax.common.target.PortSet;
import dev.parallax.common.target.TargetHost;
import dev.parallax.common.target.TargetPolicy;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the fields of a check request into a {@link CheckSpec}, or says everything that is wrong with them.
 * An IP-literal target is checked against the target policy here; a hostname is checked by each agent
 * after its own DNS resolution.
 */
@ApplicationScoped
@Startup
public class CheckValidator {

    private final ParallaxConfig.Checks limits;
    private final List<String> knownRegions;
    private final TargetPolicy policy;

    public CheckValidator(ParallaxConfig config) {
        this.limits = config.checks();
        this.knownRegions = config.regions().known().stream()
                .map(String::strip).filter(r -> !r.isEmpty()).map(Topics::requireRegionName).toList();
        if (knownRegions.isEmpty()) {
            throw new IllegalStateException("parallax.regions.known names no region: list the regions agents run in");
        }
        this.policy = TargetPolicy.fromConfig(config.targets().allow().orElse(""));
    }

    public CheckSpec validate(String rawTarget, List<?> rawPorts, List<String> rawRegions, Integer timeoutMs,
                              String rawIpFamily) {
        List<FieldError> errors = new ArrayList<>();
        TargetHost target = target(rawTarget, errors);
        PortSet ports = null;
        try {
            ports = PortSet.parse(rawPorts, limits.maxPorts());
        } catch (InvalidTargetException e) {
            errors.add(new FieldError("ports", e.getMessage()));
        }
        List<String> regions = regions(rawRegions, errors);
        Duration timeout = timeout(timeoutMs, errors);
        IpFamily ipFamily = IpFamily.ANY;
        if (rawIpFamily != null) {
            try {
                ipFamily = IpFamily.fromWireName(rawIpFamily);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("ipFamily", e.getMessage()));
            }
        }
        if (target != null && target.kind() != TargetHost.Kind.HOSTNAME && ipFamily != IpFamily.ANY
                && (target.kind() == TargetHost.Kind.IPV4) != (ipFamily == IpFamily.IPV4)) {
            errors.add(new FieldError("ipFamily", "ipFamily " + ipFamily.wireName() + " cannot probe the "
                    + (target.kind() == TargetHost.Kind.IPV4 ? "IPv4" : "IPv6") + " address " + target.name()));
        }
        if (!errors.isEmpty()) {
            throw new InvalidCheckException(errors);
        }
        return new CheckSpec(target, ports, regions, timeout, ipFamily);
    }

    private TargetHost target(String rawTarget, List<FieldError> errors) {
        try {
            TargetHost target = TargetHost.parse(rawTarget);
            target.literalAddress().ifPresent(address -> {
                TargetPolicy.Decision decision = policy.evaluate(address);
                if (!decision.allowed()) {
                    errors.add(new FieldError("target", "target refused by policy: " + decision.reason()));
                }
            });
            return target;
        } catch (InvalidTargetException e) {
            errors.add(new FieldError("target", e.getMessage()));
            return null;
        }
    }

    private List<String> regions(List<String> rawRegions, List<FieldError> errors) {
        if (rawRegions == null || rawRegions.isEmpty()) {
            return knownRegions;
        }
        Set<String> regions = new LinkedHashSet<>();
        for (String region : rawRegions) {
            try {
                Topics.requireRegionName(region);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("regions", e.getMessage()));
                continue;
            }
            if (!knownRegions.contains(region)) {
                errors.add(new FieldError("regions", "unknown region '" + region + "'; known regions: "
                        + String.join(", ", knownRegions)));
                continue;
            }
            regions.add(region);
        }
        if (regions.size() > limits.maxRegions()) {
            errors.add(new FieldError("regions", "too many regions: at most " + limits.maxRegions() + " per check"));
        }
        return List.copyOf(regions);
    }

    private Duration timeout(Integer timeoutMs, List<FieldError> errors) {
        if (timeoutMs == null) {
            return limits.defaultTimeout();
        }
        Duration timeout = Duration.ofMillis(timeoutMs);
        if (timeout.compareTo(limits.minTimeout()) < 0 || timeout.compareTo(limits.maxTimeout()) > 0) {
            errors.add(new FieldError("timeoutMs", "timeoutMs must be between " + limits.minTimeout().toMillis()
                    + " and " + limits.maxTimeout().toMillis() + "; got " + timeoutMs));
        }
        return timeout;
    }
}
