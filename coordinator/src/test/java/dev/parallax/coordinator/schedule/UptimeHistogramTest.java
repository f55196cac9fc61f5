package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.schedule.UptimeRollup.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The connect-time histogram of the hourly uptime rows: its buckets, and the percentiles estimated from them. */
class UptimeHistogramTest {

    @Test
    void boundsAreTheDocumentedLogLinearOnes() {
        long[] first = IntStream.range(0, 20).mapToLong(Histogram::lowerBound).toArray();

        assertThat(first).as("0..3 one per microsecond, then 4, 5, 6, 7 times each power of two")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56);
        assertThat(Histogram.lowerBound(Histogram.BUCKETS - 1)).as("the last bucket starts at 7 * 2^23 us")
                .isEqualTo(7L << 23);
        assertThat(Histogram.upperBound(Histogram.BUCKETS - 1)).as("and has no upper bound")
                .isEqualTo(Long.MAX_VALUE);
        assertThat(Histogram.LOWER_BOUNDS_LITERAL).as("the bounds PostgreSQL's width_bucket gets")
                .startsWith("{0,1,2,3,4,5,6,7,8,10,12,").endsWith("," + (7L << 23) + "}");
    }

    @Test
    void bucketsFollowEachOtherWithoutGapsAndHoldTheirOwnBounds() {
        for (int bucket = 0; bucket < Histogram.BUCKETS - 1; bucket++) {
            long lower = Histogram.lowerBound(bucket);
            long upper = Histogram.upperBound(bucket);
            assertThat(upper).as("bucket %d ends where bucket %d starts", bucket, bucket + 1)
                    .isEqualTo(Histogram.lowerBound(bucket + 1)).isGreaterThan(lower);
            assertThat(Histogram.bucketOf(lower)).as("%d us, bucket %d's lower bound", lower, bucket).isEqualTo(bucket);
            assertThat(Histogram.bucketOf(upper - 1)).as("%d us, just below bucket %d's upper bound", upper - 1,
                    bucket).isEqualTo(bucket);
            if (bucket >= 4) {
                assertThat(4 * (upper - lower)).as("bucket %d [%d, %d) is at most a quarter of its lower bound wide",
                        bucket, lower, upper).isLessThanOrEqualTo(lower);
            }
        }
    }

    @Test
    void timesOutsideTheBoundsLandInTheOuterBuckets() {
        assertThat(Histogram.bucketOf(-5)).as("a negative time counts as 0").isZero();
        assertThat(Histogram.bucketOf(Long.MAX_VALUE)).isEqualTo(Histogram.BUCKETS - 1);
        assertThat(Histogram.bucketOf(3_600_000_000L)).as("an hour").isEqualTo(Histogram.BUCKETS - 1);
    }

    @Test
    void percentileOfOneTimeSeenOverAndOverIsThatTime() {
        long[] counts = new long[Histogram.BUCKETS];
        counts[Histogram.bucketOf(900)] = 12;

        assertThat(Histogram.quantile(counts, 900, 900, 0.50)).isEqualTo(900.0);
        assertThat(Histogram.quantile(counts, 900, 900, 0.99)).isEqualTo(900.0);
    }

    @Test
    void percentileLiesInTheBucketOfTheTrueValueAndWithinTheTimesSeen() {
        Random random = new Random(20260131);
        for (int round = 0; round < 200; round++) {
            // Connect times spread over three decades, as across regions and hours.
            long[] times = new long[1 + random.nextInt(500)];
            for (int i = 0; i < times.length; i++) {
                times[i] = (long) Math.pow(10, 2 + 3 * random.nextDouble());
            }
            Arrays.sort(times);
            long[] counts = new long[Histogram.BUCKETS];
            for (long time : times) {
                counts[Histogram.bucketOf(time)]++;
            }
            long min = times[0];
            long max = times[times.length - 1];
            for (double quantile : new double[] {0.5, 0.95, 0.99}) {
                long truth = times[(int) Math.ceil(quantile * times.length) - 1];   // nearest rank
                int bucket = Histogram.bucketOf(truth);
                double estimate = Histogram.quantile(counts, min, max, quantile);
                assertThat(estimate).as("p%s of %s: in the bucket [%d, %d) of the true %d", quantile * 100,
                                Arrays.toString(times), Histogram.lowerBound(bucket), Histogram.upperBound(bucket),
                                truth)
                        .isBetween((double) Math.max(Histogram.lowerBound(bucket), min),
                                (double) Math.min(Histogram.upperBound(bucket), max));
                assertThat(estimate).as("p%s within a quarter of the true %d", quantile * 100, truth)
                        .isCloseTo(truth, within(truth / 4.0));
            }
        }
    }

    @Test
    void eachPercentileComesFromTheBucketItsRankFallsIn() {
        long[] counts = new long[Histogram.BUCKETS];
        counts[Histogram.bucketOf(150)] = 50;
        counts[Histogram.bucketOf(3_000)] = 45;
        counts[Histogram.bucketOf(80_000)] = 5;

        double p50 = Histogram.quantile(counts, 140, 90_000, 0.50);
        double p95 = Histogram.quantile(counts, 140, 90_000, 0.95);
        double p99 = Histogram.quantile(counts, 140, 90_000, 0.99);

        assertThat(p50).as("p50 among the fast half").isBetween(140.0, 160.0);
        assertThat(p95).as("p95 among the 3 ms answers").isBetween(2_560.0, 3_072.0);
        assertThat(p99).as("p99 among the slow tail").isBetween(65_536.0, 81_920.0);
    }

    @Test
    void noTimesNoPercentile() {
        assertThat(Histogram.quantile(new long[Histogram.BUCKETS], 0, 0, 0.5)).isNull();
    }
}
