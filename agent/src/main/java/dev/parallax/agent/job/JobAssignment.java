package dev.parallax.agent.job;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Comparator;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The partitions of this region's jobs topic that the group has given this agent, kept from the jobs consumer's
 * rebalance callbacks ({@link JobConsumer}). With cooperative rebalancing a callback names only the partitions that
 * changed, so the set is added to and taken from, never replaced. Callbacks run on the consumer's poll thread;
 * readers MAY be on any thread.
 */
@ApplicationScoped
public class JobAssignment {

    private final Set<TopicPartition> assigned = new ConcurrentSkipListSet<>(
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));

    void assigned(Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
    }

    /** Revoked or lost. */
    void revoked(Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    /** The partition numbers of {@code topic} assigned to this agent now. */
    public SortedSet<Integer> partitionsOf(String topic) {
        SortedSet<Integer> partitions = new TreeSet<>();
        for (TopicPartition partition : assigned) {
            if (partition.topic().equals(topic)) {
                partitions.add(partition.partition());
            }
        }
        return partitions;
    }
}
