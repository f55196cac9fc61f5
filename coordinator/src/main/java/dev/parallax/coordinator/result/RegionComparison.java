package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares what the regions of one check saw, port by port: the product's reason to exist. A port is
 * {@code consistent} when every region that probed it saw the same state on every address, otherwise
 * {@code divergent}. Regions without port verdicts (UNAVAILABLE, UNRESOLVED, ...) are listed apart: they
 * did not disagree, they did not answer. An ERROR is the prober's own failure and says nothing about the
 * target, so it is shown but never counts as a disagreement.
 */
public final class RegionComparison {

    public static final String CONSISTENT = "consistent";
    public static final String DIVERGENT = "divergent";

    /** One port's comparison: which regions saw which state. */
    public record PortComparison(int port, String verdict, Map<PortState, SortedSet<String>> states) {
    }

    /** The whole check's comparison. */
    public record Result(List<PortComparison> ports, List<Integer> divergentPorts, List<String> answered,
                         List<String> unanswered) {
    }

    private RegionComparison() {
    }

    public static Result compare(List<RegionResult> regions, List<PortResult> ports) {
        List<String> answered = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        for (RegionResult region : regions) {
            if (region.status == RegionStatus.DONE) {
                answered.add(region.region);
            } else {
                unanswered.add(region.region);
            }
        }
        Map<Integer, Map<PortState, SortedSet<String>>> byPort = new TreeMap<>();
        for (PortResult port : ports) {
            byPort.computeIfAbsent(port.port, p -> new EnumMap<>(PortState.class))
                    .computeIfAbsent(port.state, s -> new TreeSet<>())
                    .add(port.region);
        }
        List<PortComparison> comparisons = new ArrayList<>();
        List<Integer> divergent = new ArrayList<>();
        byPort.forEach((port, states) -> {
            boolean agree = states.keySet().stream().filter(state -> state != PortState.ERROR).count() <= 1;
            comparisons.add(new PortComparison(port, agree ? CONSISTENT : DIVERGENT, states));
            if (!agree) {
                divergent.add(port);
            }
        });
        return new Result(comparisons, divergent, answered, unanswered);
    }
}
