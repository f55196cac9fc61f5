package dev.parallax.agent.job;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The partitions of this region's jobs topic that the group has given this agent, kept from the consumer's
 * rebalance callbacks (named in {@code consumer-rebalance-listener.name}). With cooperative rebalancing a
 * callback names only the partitions that changed, so the set is added to and taken from, never replaced.
 * Callbacks run on the Kafka polling thread; readers MAY be on any thread.
 */
@ApplicationScoped
@Identifier(JobAssignment.NAME)
public class JobAssignment implements KafkaConsumerRebalanceListener {

    public static final String NAME = "jobs-assignment";

    private final Set<TopicPartition> assigned = new ConcurrentSkipListSet<>(
            (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
                    : a.topic().compareTo(b.topic()));

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
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
