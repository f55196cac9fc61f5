package dev.parallax.agent.job;

import java.util.TreeSet;

/**
 * Which offset of one partition may be committed while its jobs end out of order: every offset before it has ended
 * (its verdict acknowledged, or parked), so a crash redelivers only jobs that had not. A job that never ends (the
 * agent stopped under it) holds the partition's commit below it until the partition is revoked, and is redelivered.
 * MUST be used from one thread only (the jobs consumer's poll loop).
 */
final class PartitionOffsets {

    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long nextToPoll = -1;

    /** A record was handed to a job. Offsets come in increasing order. */
    void taken(long offset) {
        unfinished.add(offset);
        nextToPoll = offset + 1;
    }

    /** The record's job ended; unknown offsets (taken before a revocation) are ignored. */
    void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset to commit (Kafka's meaning: the next one to read), or -1 when nothing was taken yet. */
    long committable() {
        return unfinished.isEmpty() ? nextToPoll : unfinished.first();
    }
}
