package dev.parallax.common.kafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionProgressTest {

    @Test
    void nothingIsCommittableUntilTheFirstRecordTakenIsDone() {
        PartitionProgress progress = new PartitionProgress();
        progress.taken(10);
        progress.taken(11);
        progress.done(11);
        assertThat(progress.committable()).as("committable while record 10 still runs").isEqualTo(-1);
        progress.done(10);
        assertThat(progress.committable()).as("committable once 10 and 11 are done").isEqualTo(12);
    }

    @Test
    void aCommitNeverPassesARecordStillRunning() {
        PartitionProgress progress = new PartitionProgress();
        for (long offset = 0; offset < 5; offset++) {
            progress.taken(offset);
        }
        progress.done(0);
        progress.done(1);
        progress.done(3);
        progress.done(4);
        assertThat(progress.committable()).as("committable while record 2 still runs").isEqualTo(2);
        progress.done(2);
        assertThat(progress.committable()).as("committable once all five are done").isEqualTo(5);
    }

    @Test
    void gapsInOffsetsDoNotHoldCommitsBack() {
        PartitionProgress progress = new PartitionProgress();
        progress.taken(3);
        progress.taken(7);
        progress.done(7);
        progress.done(3);
        assertThat(progress.committable()).as("offsets of a compacted or transactional topic skip numbers")
                .isEqualTo(8);
    }
}
