package dev.parallax.coordinator.quota;

import dev.parallax.coordinator.auth.Caller;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Request-rate charging through leases, against a bucket kept in memory that refills nothing: how many statements
 * reach the shared bucket, and that no more requests pass than the bucket held.
 */
class RequestLeasesTest {

    /** The shared buckets as a map of tokens, counting the takes that would each be a statement. */
    private static final class CountingBuckets extends QuotaBuckets {
        final Map<String, Double> tokens = new HashMap<>();
        final List<Double> takes = new ArrayList<>();

        CountingBuckets() {
            super(null);
        }

        @Override
        public Take take(String subject, Kind kind, double capacity, double perSecond, double wanted) {
            takes.add(wanted);
            double left = tokens.computeIfAbsent(subject + "/" + kind, k -> capacity);
            if (left < wanted) {
                return new Take(false, left);
            }
            tokens.put(subject + "/" + kind, left - wanted);
            return new Take(true, left - wanted);
        }
    }

    private static Caller caller(String subject, int requestsPerSecond) {
        return new Caller("owner-" + subject, Set.of(), UUID.randomUUID(), subject, 1_000, requestsPerSecond);
    }

    @Test
    void requestsAreTakenATenthOfASecondsWorthPerStatementAndNeverMoreThanTheBucketHeld() {
        CountingBuckets buckets = new CountingBuckets();
        Quotas quotas = new Quotas(buckets, new RequestLeases());
        Caller fast = caller("fast", 50);

        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 150; i++) {
            try {
                quotas.chargeRequest(fast);
                accepted++;
            } catch (QuotaExceededException e) {
                refused++;
                assertThat(e.usage().retryAfterSeconds()).as("Retry-After of a refused request").isEqualTo(1);
            }
        }

        assertThat(accepted).as("requests passed against a bucket of 100 (50/s, burst of 2 s) that does not refill")
                .isEqualTo(100);
        assertThat(refused).isEqualTo(50);
        assertThat(buckets.takes.subList(0, 20)).as("the first 100 requests: leases of 5, one statement each")
                .containsOnly(5.0);
        assertThat(buckets.takes).as("statements for 150 requests: 20 leases, then for each refused request a lease "
                + "and a single token tried").hasSize(20 + 50 * 2);
    }

    @Test
    void aSlowCallerTakesOneTokenAtATimeAndLeasesAreKeptPerSubject() {
        CountingBuckets buckets = new CountingBuckets();
        Quotas quotas = new Quotas(buckets, new RequestLeases());

        for (int i = 0; i < 4; i++) {
            quotas.chargeRequest(caller("slow", 5));
        }
        assertThat(buckets.takes).as("a rate under 10/s leases nothing: one token per request")
                .containsExactly(1.0, 1.0, 1.0, 1.0);

        quotas.chargeRequest(caller("a", 100));
        quotas.chargeRequest(caller("b", 100));
        quotas.chargeRequest(caller("a", 100));
        assertThat(buckets.takes.subList(4, buckets.takes.size())).as("a's second request spends a's lease")
                .containsExactly(10.0, 10.0);
        assertThat(buckets.tokens).containsEntry("a/REQUESTS", 190.0).containsEntry("b/REQUESTS", 190.0);
    }

    @Test
    void aRateThatNeverFitsIsRefusedWithTheBucketsFigures() {
        CountingBuckets buckets = new CountingBuckets();
        Quotas quotas = new Quotas(buckets, new RequestLeases());
        Caller caller = caller("empty", 20);
        buckets.tokens.put("empty/REQUESTS", 0.5);

        assertThatThrownBy(() -> quotas.chargeRequest(caller)).isInstanceOfSatisfying(QuotaExceededException.class,
                e -> {
                    assertThat(e.usage().limit()).as("limit: 20/s x 2 s").isEqualTo(40);
                    assertThat(e.usage().remaining()).isZero();
                    assertThat(e.usage().retryAfterSeconds()).isEqualTo(1);
                });
    }
}
