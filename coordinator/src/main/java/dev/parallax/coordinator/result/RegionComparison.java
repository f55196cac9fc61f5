package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    /** The whole check's comparison, and {@code summary}: the same in one line for people. */
    public record Result(String summary, List<PortComparison> ports, List<Integer> divergentPorts,
                         List<String> answered, List<String> unanswered) {
    }

    /** Consistent ports listed by number in the summary before the rest are only counted. */
    private static final int LISTED_PORTS = 5;

    private RegionComparison() {
    }

    public static Result compare(List<RegionResult> regions, List<PortResult> ports) {
        List<String> answered = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        for (RegionResult region : regions) {
            if (region.status() == RegionStatus.DONE) {
                answered.add(region.region());
            } else {
                unanswered.add(region.region());
            }
        }
        Map<Integer, Map<PortState, SortedSet<String>>> byPort = new TreeMap<>();
        for (PortResult port : ports) {
            byPort.computeIfAbsent(port.port(), p -> new EnumMap<>(PortState.class))
                    .computeIfAbsent(port.state(), s -> new TreeSet<>())
                    .add(port.region());
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
        return new Result(summarize(comparisons, unanswered), comparisons, divergent, answered, unanswered);
    }

    /**
     * E.g. "443 open from eu-west, us-east; filtered from ap-south. 22, 80 closed from eu-west, us-east,
     * ap-south. No answer from sa-east." Divergent ports first, each on its own; consistent ports grouped by
     * what the regions saw.
     */
    static String summarize(List<PortComparison> ports, List<String> unanswered) {
        List<String> sentences = new ArrayList<>();
        Map<String, List<Integer>> alike = new LinkedHashMap<>();
        for (PortComparison port : ports) {
            String seen = describe(port.states());
            if (DIVERGENT.equals(port.verdict())) {
                sentences.add(port.port() + " " + seen);
            } else {
                alike.computeIfAbsent(seen, s -> new ArrayList<>()).add(port.port());
            }
        }
        alike.forEach((seen, numbers) -> sentences.add(listPorts(numbers) + " " + seen));
        if (!unanswered.isEmpty()) {
            sentences.add("No answer from " + String.join(", ", unanswered));
        }
        return sentences.isEmpty() ? "No port verdicts yet." : String.join(". ", sentences) + ".";
    }

    private static String describe(Map<PortState, SortedSet<String>> states) {
        List<String> parts = new ArrayList<>();
        states.forEach((state, regions) ->
                parts.add(state.name().toLowerCase(Locale.ROOT) + " from " + String.join(", ", regions)));
        return String.join("; ", parts);
    }

    private static String listPorts(List<Integer> numbers) {
        List<String> shown = numbers.stream().limit(LISTED_PORTS).map(String::valueOf).toList();
        String listed = String.join(", ", shown);
        int more = numbers.size() - shown.size();
        return more > 0 ? listed + " and " + more + " more ports" : listed;
    }
}
