package dev.parallax.coordinator.check;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.targeting.InvalidTargetException;
import dev.parallax.common.targeting.PortSet;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.common.targeting.TargetPolicy;
import dev.parallax.coordinator.agent.AgentRegistry;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

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
    private final AgentRegistry registry;

    public CheckValidator(ParallaxConfig config, AgentRegistry registry, TargetPolicy policy) {
        this.registry = registry;
        this.limits = config.checks();
        this.knownRegions = config.regions().known().stream()
                .map(String::strip).filter(r -> !r.isEmpty()).map(Topics::requireRegionName).toList();
        if (knownRegions.isEmpty()) {
            throw new IllegalStateException("parallax.regions.known names no region: list the regions agents run in");
        }
        this.policy = policy;
    }

    /**
     * Which regions were asked for: the ones named, or ({@code named} null) every region with a live agent at
     * the time of the run; {@code limit} then keeps that many of them, picked at random for each run.
     */
    public record RegionChoice(List<String> named, Integer limit) {
    }

    /** A check request with everything but its regions decided: what a schedule submits at each run. */
    public record CheckTemplate(TargetHost target, PortSet ports, RegionChoice regions, Duration timeout,
                                IpFamily ipFamily) {
    }

    public CheckSpec validate(String rawTarget, List<?> rawPorts, Object rawRegions, Integer limit,
                              Integer timeoutMs, String rawIpFamily) {
        List<FieldError> errors = new ArrayList<>();
        CheckTemplate template = template(rawTarget, rawPorts, rawRegions, limit, timeoutMs, rawIpFamily, errors);
        List<String> regions = errors.stream().anyMatch(e -> e.field().equals("regions") || e.field().equals("limit"))
                ? List.of() : resolve(template.regions(), errors, this::liveRegions);
        if (!errors.isEmpty()) {
            throw new InvalidCheckException(errors);
        }
        return new CheckSpec(template.target(), template.ports(), regions, template.timeout(), template.ipFamily());
    }

    /**
     * Validates a check request without choosing its regions yet; adds what is wrong to {@code errors}, in which
     * case the template's fields may be null.
     */
    public CheckTemplate template(String rawTarget, List<?> rawPorts, Object rawRegions, Integer limit,
                                  Integer timeoutMs, String rawIpFamily, List<FieldError> errors) {
        TargetHost target = target(rawTarget, errors);
        PortSet ports = null;
        try {
            ports = PortSet.parse(rawPorts, limits.maxPorts());
        } catch (InvalidTargetException e) {
            errors.add(new FieldError("ports", e.getMessage()));
        }
        RegionChoice regions = regionChoice(rawRegions, limit, errors);
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
        return new CheckTemplate(target, ports, regions, timeout, ipFamily);
    }

    /**
     * The regions of one run of a template: as named, or every region with a live agent now; then {@code limit}
     * of them at random.
     *
     * @throws InvalidCheckException when no region has a live agent, or too many regions remain
     */
    public List<String> resolve(RegionChoice choice) {
        return resolve(choice, this::liveRegions);
    }

    /**
     * As {@link #resolve(RegionChoice)}, with the regions that have a live agent from {@code liveRegions}: a
     * caller resolving many runs at once asks the registry once.
     */
    public List<String> resolve(RegionChoice choice, Supplier<List<String>> liveRegions) {
        List<FieldError> errors = new ArrayList<>();
        List<String> regions = resolve(choice, errors, liveRegions);
        if (!errors.isEmpty()) {
            throw new InvalidCheckException(errors);
        }
        return regions;
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

    /**
     * A list names regions (each must be configured or have registered agents); {@code "all"} or nothing
     * means every region with a live agent at the time of the run. {@code limit} then keeps that many, picked
     * at random so that repeated checks spread over the regions instead of always loading the same ones.
     */
    private RegionChoice regionChoice(Object rawRegions, Integer limit, List<FieldError> errors) {
        List<String> named = null;
        if (rawRegions instanceof List<?> list && !list.isEmpty()) {
            named = named(list, errors);
        } else if (rawRegions != null && !"all".equals(rawRegions) && !(rawRegions instanceof List<?>)) {
            errors.add(new FieldError("regions", "regions must be a list of region names, e.g. [\"eu-west\"], or"
                    + " \"all\"; got " + rawRegions));
        }
        if (limit != null && (limit < 1 || limit > limits.maxRegions())) {
            errors.add(new FieldError("limit", "limit must be between 1 and " + limits.maxRegions() + "; got "
                    + limit));
            return new RegionChoice(named, limit);
        }
        int perRun = named == null ? 0 : limit == null ? named.size() : Math.min(limit, named.size());
        if (perRun > limits.maxRegions()) {
            errors.add(new FieldError("regions", "too many regions: at most " + limits.maxRegions() + " per check"));
        }
        return new RegionChoice(named, limit);
    }

    /**
     * The most regions one run of this choice can probe: those named, or every region known (configured or with
     * agents), then at most {@code limit}. What a schedule is charged for in advance, at least 1.
     */
    public int regionsAtMost(RegionChoice choice) {
        int regions;
        if (choice.named() != null) {
            regions = choice.named().size();
        } else {
            Set<String> known = new TreeSet<>(knownRegions);
            registry.regions().forEach(region -> known.add(region.name()));
            regions = known.size();
        }
        if (choice.limit() != null) {
            regions = Math.min(regions, choice.limit());
        }
        return Math.max(1, Math.min(regions, limits.maxRegions()));
    }

    /** The regions that have a live agent now. */
    public List<String> liveRegions() {
        return registry.regions().stream().filter(r -> r.liveAgents() > 0).map(AgentRegistry.Region::name).toList();
    }

    private List<String> resolve(RegionChoice choice, List<FieldError> errors, Supplier<List<String>> liveRegions) {
        List<String> chosen = choice.named();
        if (chosen == null) {
            chosen = liveRegions.get();
            if (chosen.isEmpty()) {
                errors.add(new FieldError("regions", "no region has a live agent right now; name the regions to"
                        + " probe from, e.g. [\"eu-west\"], or retry shortly"));
                return List.of();
            }
        }
        Integer limit = choice.limit();
        if (limit != null && limit < chosen.size()) {
            List<String> shuffled = new ArrayList<>(chosen);
            Collections.shuffle(shuffled, ThreadLocalRandom.current());
            chosen = shuffled.subList(0, limit).stream().sorted().toList();
        }
        if (chosen.size() > limits.maxRegions()) {
            errors.add(new FieldError("regions", "too many regions: at most " + limits.maxRegions() + " per check"));
        }
        return chosen;
    }

    private List<String> named(List<?> named, List<FieldError> errors) {
        // The configured regions answer almost every request; the registry (a query) only when a name is not one.
        Set<String> known = new TreeSet<>(knownRegions);
        boolean registryAsked = false;
        Set<String> regions = new LinkedHashSet<>();
        for (Object item : named) {
            if (!(item instanceof String region)) {
                errors.add(new FieldError("regions", "each region is a name such as \"eu-west\"; got " + item));
                continue;
            }
            try {
                Topics.requireRegionName(region);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("regions", e.getMessage()));
                continue;
            }
            if (!known.contains(region) && !registryAsked) {
                registry.regions().forEach(agentRegion -> known.add(agentRegion.name()));
                registryAsked = true;
            }
            if (!known.contains(region)) {
                errors.add(new FieldError("regions", "unknown region '" + region + "'; known regions: "
                        + String.join(", ", known)));
                continue;
            }
            regions.add(region);
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
