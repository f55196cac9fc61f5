package dev.parallax.agent.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionOffsetsTest {

    @Test
    void nothingIsCommittableBeforeAJobWasTaken() {
        assertThat(new PartitionOffsets().committable()).isEqualTo(-1);
    }

    @Test
    void theCommitStopsAtTheFirstJobThatHasNotEndedWhateverEndedAfterIt() {
        PartitionOffsets offsets = new PartitionOffsets();
        for (long offset = 10; offset <= 14; offset++) {
            offsets.taken(offset);
        }
        offsets.finished(10);
        offsets.finished(12);
        offsets.finished(13);
        assertThat(offsets.committable()).as("11 has not ended: a crash must redeliver it").isEqualTo(11);

        offsets.finished(11);
        assertThat(offsets.committable()).as("10-13 ended, 14 runs").isEqualTo(14);

        offsets.finished(14);
        assertThat(offsets.committable()).as("all ended: the next offset to read").isEqualTo(15);
    }

    @Test
    void aJobThatNeverEndsHoldsTheCommitBelowIt() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.taken(0);
        offsets.taken(1);
        offsets.taken(2);
        offsets.finished(1);
        offsets.finished(2);
        offsets.taken(3);
        offsets.finished(3);
        assertThat(offsets.committable()).as("0 never ended").isZero();
    }

    @Test
    void anOffsetTakenBeforeARevocationIsIgnoredWhenItEnds() {
        PartitionOffsets offsets = new PartitionOffsets();
        offsets.taken(7);
        offsets.finished(3);
        assertThat(offsets.committable()).isEqualTo(7);
    }
}
