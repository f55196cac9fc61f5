package dev.parallax.bench;

import dev.parallax.client.CheckAccepted;
import dev.parallax.client.CheckEvent;
import dev.parallax.client.ParallaxClient;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A check followed to its end as a user would: submitted, then its event stream read until {@code complete}.
 *
 * @param acceptedMillis          from sending the POST to its answer
 * @param millis                  from sending the POST to reading {@code complete}
 * @param sentEpochMillis         when the POST was sent (fractional epoch milliseconds), to line up with the
 *                                stack's own timestamps
 * @param completeSeenEpochMillis when {@code complete} was read
 */
record FollowedCheck(UUID id, double acceptedMillis, double millis, double sentEpochMillis,
                     double completeSeenEpochMillis) {

    private static final Duration STREAM_PATIENCE = Duration.ofSeconds(60);

    /**
     * Submits the check and reads its event stream until {@code complete}.
     *
     * @throws IllegalStateException if it is refused, or its stream ends with {@code timeout} or without an end
     */
    static FollowedCheck follow(ParallaxClient api, String body) {
        double sentEpochMillis = epochMillis();
        long start = System.nanoTime();
        var answer = api.submitCheck(body);
        if (answer.status() != 202) {
            throw new IllegalStateException("check refused: " + answer.status() + " " + answer.body());
        }
        CheckAccepted accepted = answer.value();
        double acceptedMillis = (System.nanoTime() - start) / 1e6;
        Optional<CheckEvent> last = api.followCheck(accepted.id(), STREAM_PATIENCE, event -> { });
        double millis = (System.nanoTime() - start) / 1e6;
        String end = last.map(CheckEvent::name).orElse("the end of the stream");
        if (!end.equals(CheckEvent.COMPLETE)) {
            throw new IllegalStateException("check " + accepted.id() + " ended its stream with " + end);
        }
        return new FollowedCheck(accepted.id(), acceptedMillis, millis, sentEpochMillis, epochMillis());
    }

    private static double epochMillis() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1e3 + now.getNano() / 1e6;
    }
}
