package dev.parallax.common.kafka;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * One partition's records taken from polls and done with, which may end out of order (jobs run side by side): the
 * offset that may be committed is the one after the longest run of done records from the start, so that a commit
 * never passes a record still running. MUST be used on the consumer's thread only.
 */
final class PartitionProgress {

    private final ArrayDeque<Long> taken = new ArrayDeque<>();
    private final Set<Long> done = new HashSet<>();
    private long committable = -1;

    void taken(long offset) {
        taken.addLast(offset);
    }

    void done(long offset) {
        done.add(offset);
        while (!taken.isEmpty() && done.remove(taken.peekFirst())) {
            committable = taken.removeFirst() + 1;
        }
    }

    /** The offset after every record done with in sequence from the start, or -1 while none is. */
    long committable() {
        return committable;
    }
}
