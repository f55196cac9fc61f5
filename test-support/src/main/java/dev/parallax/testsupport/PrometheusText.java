package dev.parallax.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The samples of an exposition in the Prometheus text format (0.0.4), keyed by series as written
 * ({@code name{label="value",...}}). Strict: a line that is not a comment, blank or a well-formed sample fails
 * the parse, naming the line.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        int number = 0;
        for (String line : exposition.split("\n")) {
            number++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int seriesEnd = seriesEnd(line, number);
            // The client library writes {a="1",}: the trailing comma is allowed, and dropped from the key.
            String series = line.substring(0, seriesEnd).replace(",}", "}");
            String[] rest = line.substring(seriesEnd).trim().split("\\s+");
            if (!series.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})?") || rest.length < 1 || rest.length > 2) {
                throw new IllegalArgumentException("line " + number + " is not a sample: " + line);
            }
            if (samples.put(series, value(rest[0], line, number)) != null) {
                throw new IllegalArgumentException("line " + number + " repeats the series " + series);
            }
        }
        return samples;
    }

    /** The value of one series, failing with the series named when the exposition lacks it. */
    public static double value(Map<String, Double> samples, String series) {
        Double value = samples.get(series);
        if (value == null) {
            throw new AssertionError("no sample " + series + " among " + samples.keySet().stream()
                    .filter(key -> key.startsWith(series.replaceFirst("\\{.*", ""))).toList());
        }
        return value;
    }

    /** The lines of an exposition that are about metrics whose names start with {@code prefix}, comments included. */
    public static String only(String exposition, String prefix) {
        StringBuilder kept = new StringBuilder();
        for (String line : exposition.split("\n")) {
            String name = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
            if (name.startsWith(prefix)) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private static int seriesEnd(String line, int number) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace < 0 || (space >= 0 && space < brace)) {
            if (space < 0) {
                throw new IllegalArgumentException("line " + number + " has no value: " + line);
            }
            return space;
        }
        boolean quoted = false;
        for (int i = brace + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("line " + number + " has unbalanced labels: " + line);
    }

    private static double value(String text, String line, int number) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + number + " has no number for a value: " + line);
                }
            }
        };
    }
}
