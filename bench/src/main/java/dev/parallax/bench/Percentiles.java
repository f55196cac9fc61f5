package dev.parallax.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** p50, p90, p99 and max of a sample, by nearest rank (a value that occurred, never an interpolation). */
record Percentiles(int count, double p50, double p90, double p99, double max) {

    static final Percentiles EMPTY = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Percentiles of(double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99),
                sorted[sorted.length - 1]);
    }

    /** One percentile of a sample by nearest rank; NaN when there was no sample. */
    static double at(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        return rank(values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), p);
    }

    private static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** A value in milliseconds as the report prints it: whole ms, or {@code -} when there was no sample. */
    static String ms(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }
}
