package dev.parallax.agent.job;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Comparator;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The partitions of this region's jobs topic that the group has given this agent, kept from the rebalance callbacks
 * of the {@value JobListener#JOBS} channel's consumer (configured by name: {@value #NAME}). With cooperative
 * rebalancing a callback names only the partitions that changed, so the set is added to and taken from, never
 * replaced. Callbacks run on the connector's polling thread; readers MAY be on any thread.
 */
@ApplicationScoped
@Identifier(JobAssignment.NAME)
public class JobAssignment implements KafkaConsumerRebalanceListener {

    public static final String NAME = "job-assignment";

    private final Set<TopicPartition> assigned = new ConcurrentSkipListSet<>(
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
    }

    /** Revoked, or lost (which the listener's default treats as revoked). */
    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
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
