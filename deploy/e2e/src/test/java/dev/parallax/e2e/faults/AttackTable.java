package dev.parallax.e2e.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The attack replay's table: each attack, how often it was tried, what the answers must be and what they were.
 * Printed as it fills and written to {@code deploy/e2e/target/attack-report.md}.
 */
final class AttackTable {

    private static final Path FILE = Path.of("target", "attack-report.md");

    /** One attack: the answers it got, counted by outcome, must be exactly the ones expected. */
    record Row(String attack, int attempts, Map<String, Integer> expected, Map<String, Integer> got, String notes) {

        boolean held() {
            return expected.equals(got);
        }

        String line() {
            return "| " + attack + " | " + attempts + " | " + counts(expected) + " | " + counts(got) + " | "
                    + (held() ? "held" : "**BROKEN**") + " | " + notes + " |";
        }

        private static String counts(Map<String, Integer> counted) {
            return counted.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", "));
        }
    }

    private final List<Row> rows = new ArrayList<>();

    /** The answers, counted by outcome. */
    static Map<String, Integer> count(Collection<String> outcomes) {
        Map<String, Integer> counted = new TreeMap<>();
        outcomes.forEach(outcome -> counted.merge(outcome, 1, Integer::sum));
        return counted;
    }

    /** Every attempt must have had the one outcome {@code expected}. */
    synchronized Row record(String attack, Collection<String> outcomes, String expected, String notes) {
        return record(attack, outcomes, Map.of(expected, outcomes.size()), notes);
    }

    /** The outcomes, counted, must be exactly {@code expected}. */
    synchronized Row record(String attack, Collection<String> outcomes, Map<String, Integer> expected, String notes) {
        Row row = new Row(attack, outcomes.size(), new TreeMap<>(expected), count(outcomes), notes);
        rows.add(row);
        System.out.println("[attack] " + row.line());
        return row;
    }

    synchronized String markdown() {
        StringBuilder table = new StringBuilder("| attack | attempts | expected | got | | notes |\n"
                + "|---|---:|---|---|---|---|\n");
        rows.forEach(row -> table.append(row.line()).append('\n'));
        return table.toString();
    }

    synchronized void write() {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, "# Attack replay, " + Instant.now() + "\n\n" + markdown());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("[attack] the whole table:\n" + markdown());
    }
}
