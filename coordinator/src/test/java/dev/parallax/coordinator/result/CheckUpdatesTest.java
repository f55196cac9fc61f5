package dev.parallax.coordinator.result;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A watch is woken by a change to its own check only, once per batch of changes, and forgets its check when closed. */
class CheckUpdatesTest {

    private final CheckUpdates updates = new CheckUpdates();

    @Test
    void aChangeCommittedBeforeTheWaitWakesTheWatcher() throws InterruptedException {
        UUID check = UUID.randomUUID();
        try (CheckUpdates.Watch watch = updates.watch(check)) {
            updates.changed(check);

            assertThat(watch.await(Duration.ofSeconds(10))).as("woken by the change").isTrue();
        }
    }

    @Test
    void aChangeToAnotherCheckDoesNotWakeTheWatcher() throws InterruptedException {
        UUID check = UUID.randomUUID();
        try (CheckUpdates.Watch watch = updates.watch(check)) {
            updates.changed(UUID.randomUUID());

            assertThat(watch.await(Duration.ofMillis(50))).as("woken by another check's change").isFalse();
        }
    }

    @Test
    void manyChangesBeforeOneWaitAreOneWakeUp() throws InterruptedException {
        UUID check = UUID.randomUUID();
        try (CheckUpdates.Watch watch = updates.watch(check)) {
            for (int i = 0; i < 3; i++) {
                updates.changed(check);
            }

            assertThat(watch.await(Duration.ofSeconds(10))).isTrue();
            assertThat(watch.await(Duration.ofMillis(50))).as("a second wake-up left over").isFalse();
        }
    }

    @Test
    void everyWatcherOfTheCheckIsWokenAndAClosedOneIsForgotten() throws InterruptedException {
        UUID check = UUID.randomUUID();
        CheckUpdates.Watch closed = updates.watch(check);
        closed.close();
        try (CheckUpdates.Watch first = updates.watch(check); CheckUpdates.Watch second = updates.watch(check)) {
            updates.changed(check);

            assertThat(first.await(Duration.ofSeconds(10))).isTrue();
            assertThat(second.await(Duration.ofSeconds(10))).isTrue();
            assertThat(closed.await(Duration.ofMillis(50))).as("a closed watch is no longer woken").isFalse();
        }
    }
}
