package dev.parallax.common.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What a consumer has committed of each partition, and the commits it still owes: each partition's committable
 * offset (what its owner says may be committed: every record before it is done with) is committed when it moved
 * since the last commit. Used by the agent's jobs consumer and the coordinator's consumers, which commit every
 * second, on revocation and on stop.
 *
 * <p>MUST be used on the consumer's own thread only, as the consumer itself.
 */
public final class OffsetCommits {

    private static final Logger LOG = Logger.getLogger(OffsetCommits.class);

    private final Consumer<?, ?> consumer;
    private final String topic;
    private final ToLongFunction<TopicPartition> committable;
    private final Duration timeout;
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /**
     * @param committable the offset of a partition that may be committed now, or a negative number when none may
     * @param timeout     how long a synchronous commit may take
     */
    public OffsetCommits(Consumer<?, ?> consumer, String topic, ToLongFunction<TopicPartition> committable,
                         Duration timeout) {
        this.consumer = consumer;
        this.topic = topic;
        this.committable = committable;
        this.timeout = timeout;
    }

    /** Commits without waiting; a failed commit is retried by the next one. */
    public void commitAsync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = uncommitted(partitions);
        if (commit.isEmpty()) {
            return;
        }
        commit.forEach((partition, at) -> committed.put(partition, at.offset()));
        // The callback runs on the consumer's thread, within a later poll or commit.
        consumer.commitAsync(commit, (done, failure) -> {
            if (failure != null) {
                LOG.warnf("Committing offsets of %s failed, retried with the next commit: %s", topic,
                        failure.getMessage());
                done.keySet().forEach(committed::remove);
            }
        });
    }

    /** Commits and waits; throws what the consumer throws (a wake-up included). */
    public void commitSync(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = uncommitted(partitions);
        if (!commit.isEmpty()) {
            consumer.commitSync(commit, timeout);
            commit.forEach((partition, at) -> committed.put(partition, at.offset()));
        }
    }

    /**
     * The last commit before the consumer closes. Twice at most: a wake-up that no poll took yet ends the first
     * attempt. A failure is logged: what was done with since the last commit is read again by the next consumer.
     */
    public void commitOnStop(Collection<TopicPartition> partitions) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                commitSync(partitions);
                return;
            } catch (WakeupException e) {
                LOG.debugf("Commit of %s on stop woken (attempt %d)", topic, attempt);
            } catch (RuntimeException e) {
                LOG.warnf("Committing %s on stop failed; what was done since the last commit will be read again: %s",
                        topic, e.getMessage());
                return;
            }
        }
    }

    /** Partitions no longer this consumer's: nothing of them may be committed any more. */
    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(committed::remove);
    }

    private Map<TopicPartition, OffsetAndMetadata> uncommitted(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long at = committable.applyAsLong(partition);
            if (at >= 0 && at != committed.getOrDefault(partition, -1L)) {
                commit.put(partition, new OffsetAndMetadata(at));
            }
        }
        return commit;
    }
}
