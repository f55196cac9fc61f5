package dev.parallax.coordinator.result;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.kafka.ChannelProducer;
import dev.parallax.common.kafka.ConsumerSettings;
import dev.parallax.common.kafka.DeadLetters;
import dev.parallax.common.kafka.TopicConsumer;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.database.DatabaseErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stores the verdicts of {@value Topics#VERDICTS} (group {@value Topics#COORDINATOR_GROUP}, shared by every
 * coordinator), a poll's worth at a time, through the {@link VerdictStore}. The topic is read by a plain Kafka consumer
 * ({@link TopicConsumer}, poll by poll) on a thread of its own, which stores each poll's verdicts itself: never queued
 * behind REST requests, which under load would keep verdicts waiting to be stored while the API went on accepting
 * checks. Through the connector each batch crossed its polling thread, an event loop and a worker thread, which put
 * the stage from a verdict's record to its row over the bound (docs/benchmarks.md, "The two consumers").
 */
@Singleton
public class VerdictIngester {

    /** The channel whose producer parks broken verdicts on {@value Topics#VERDICTS_DEAD_LETTERS}. */
    public static final String DEAD_LETTERS = "dead-letters";

    private static final Logger LOG = Logger.getLogger(VerdictIngester.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /**
     * How long a batch is retried before the consumer polls again, far within Kafka's {@code max.poll.interval.ms}
     * (5 minutes), past which a consumer that does not poll leaves its group and its partitions move.
     */
    private static final Duration RETRY_WITHIN_POLL = Duration.ofSeconds(30);
    /**
     * At most 500 verdicts a transaction. A replica that dies without leaving the group holds its partitions until
     * its session times out: at Kafka's default 45 s their verdicts would wait past their checks' deadlines, so the
     * survivors take over after 10 s.
     */
    private static final Map<String, Object> CONSUMER = Map.of(
            ConsumerConfig.GROUP_ID_CONFIG, Topics.COORDINATOR_GROUP,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    /** What a stopping consumer's last batch gets to be stored and committed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final VerdictStore store;
    private final VerdictMetrics metrics;
    private final DeadLetters deadLetters;
    private final TopicConsumer consumer;
    private volatile boolean stopping;

    /**
     * @param deadLetterChannel never sent through: it declares the {@value #DEAD_LETTERS} channel, so that the
     *                          connector builds the channel's producer, which {@link DeadLetters} sends with
     */
    public VerdictIngester(VerdictStore store, VerdictMetrics metrics,
                           @Identifier(ConsumerSettings.KAFKA_PROPERTIES) Map<String, Object> kafka,
                           MeterRegistry registry, @Channel(DEAD_LETTERS) MutinyEmitter<String> deadLetterChannel,
                           KafkaClientService clients) {
        this.store = store;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters("Verdict", new ChannelProducer(DEAD_LETTERS, () -> {
            KafkaProducer<String, String> producer = clients.getProducer(DEAD_LETTERS);
            return producer == null ? null : producer.unwrap();
        }), Topics.VERDICTS_DEAD_LETTERS);
        this.consumer = TopicConsumer.pollByPoll("kafka-consumer-verdicts",
                ConsumerSettings.of(kafka, Topics.VERDICTS, CONSUMER), this::onVerdicts, registry);
    }

    void start(@Observes StartupEvent startup) {
        consumer.start();
    }

    /** Before the channels close, so that a broken verdict of the last batch can still be parked. */
    void stop(@Observes @Priority(1) ShutdownEvent shutdown) throws InterruptedException {
        stopping = true;
        consumer.stop(STOP_GRACE);
    }

    /** What the health checks report. */
    public TopicConsumer consumer() {
        return consumer;
    }

    /**
     * One poll's verdicts, stored in one transaction; the consumer commits their offsets only after this returned
     * true, so a crash in between redelivers them and the store's idempotence absorbs the repeats.
     *
     * <p>While the coordinator stops, a batch that could not be stored is left (false), for whichever coordinator
     * consumes next. While the database is unreachable the same batch is retried for as long as the outage lasts, for
     * {@link #RETRY_WITHIN_POLL} at a time and then read again after a poll that keeps the consumer in its group:
     * later verdicts are never committed unstored. If the batch fails for another reason, its
     * verdicts are stored one by one, so that one verdict that can never be stored (logged and dropped; the deadline
     * sweeper ends its region) does not take the others with it. A verdict that breaks the contract is parked first,
     * on {@value Topics#VERDICTS_DEAD_LETTERS}, with the reason in the {@code dead-letter-reason} header.
     */
    boolean onVerdicts(List<ConsumerRecord<String, String>> records) {
        List<ProbeVerdict> verdicts = new ArrayList<>(records.size());
        for (ConsumerRecord<String, String> record : records) {
            try {
                verdicts.add(WireJson.read(record.value(), ProbeVerdict.class));
            } catch (ContractViolationException e) {
                // A malformed verdict can never become valid: park it so that the verdicts behind it keep flowing.
                if (!park(record, e)) {
                    return false;
                }
            }
        }
        return verdicts.isEmpty() || storeAll(verdicts);
    }

    /** Parks a broken verdict ({@link DeadLetters#park}); false only while stopping. */
    private boolean park(ConsumerRecord<String, String> record, ContractViolationException violation) {
        metrics.deadLettered();
        return deadLetters.park(record, violation);
    }

    /**
     * Whether the verdicts were dealt with (stored, or dropped for good); false while stopping, or when the database
     * stayed unavailable for {@link #RETRY_WITHIN_POLL}.
     */
    private boolean storeAll(List<ProbeVerdict> verdicts) {
        try {
            withRetries(() -> store.storeAll(verdicts), "a batch of " + verdicts.size() + " verdicts")
                    .forEach(this::logAndCount);
            return true;
        } catch (NotNow e) {
            return false;
        } catch (PermanentFailure batchFailed) {
            for (ProbeVerdict verdict : verdicts) {
                try {
                    VerdictStore.Outcome outcome = withRetries(() -> store.store(verdict),
                            "the verdict of check " + verdict.checkId() + " from " + verdict.region());
                    logAndCount(new VerdictStore.Stored(verdict, outcome, false));
                } catch (NotNow e) {
                    return false;
                } catch (PermanentFailure e) {
                    try (CheckLogContext logContext = CheckLogContext.of(verdict.checkId(), verdict.region())) {
                        LOG.errorf(e.getCause(), "Check %s: verdict %s of region %s cannot be stored and is dropped",
                                verdict.checkId(), verdict.verdictId(), verdict.region());
                    }
                }
            }
            return true;
        }
    }

    /**
     * Not stored now: the coordinator stops (what was not stored is left for the next consumer), or the database
     * stayed unavailable for {@link #RETRY_WITHIN_POLL} (the batch is read again after a poll).
     */
    private static final class NotNow extends Exception {
        NotNow(RuntimeException cause) {
            super(cause);
        }
    }

    /** A failure that retrying will not cure. */
    private static final class PermanentFailure extends Exception {
        PermanentFailure(RuntimeException cause) {
            super(cause);
        }
    }

    private <T> T withRetries(Supplier<T> storing, String what) throws PermanentFailure, NotNow {
        Duration retryIn = FIRST_RETRY;
        long giveUpAt = System.nanoTime() + RETRY_WITHIN_POLL.toNanos();
        while (true) {
            try {
                return storing.get();
            } catch (RuntimeException e) {
                if (stopping || DatabaseErrors.isTransient(e) && System.nanoTime() - giveUpAt > 0) {
                    throw new NotNow(e);
                }
                if (!DatabaseErrors.isTransient(e)) {
                    throw new PermanentFailure(e);
                }
                LOG.warnf("Database unavailable while storing %s, retrying in %d ms: %s", what, retryIn.toMillis(),
                        e.getMessage());
                try {
                    Thread.sleep(retryIn);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new NotNow(e);
                }
                retryIn = retryIn.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryIn.multipliedBy(2);
            }
        }
    }

    private void logAndCount(VerdictStore.Stored stored) {
        ProbeVerdict verdict = stored.verdict();
        if (stored.outcome() != VerdictStore.Outcome.STORED) {
            metrics.ignored(stored.outcome());
        }
        try (CheckLogContext logContext = CheckLogContext.of(verdict.checkId(), verdict.region())) {
            log(stored, verdict);
        }
    }

    private static void log(VerdictStore.Stored stored, ProbeVerdict verdict) {
        switch (stored.outcome()) {
            // A schedule's runs are in its history; at hundreds a second they would drown the log.
            case STORED -> LOG.logf(stored.scheduled() ? Logger.Level.DEBUG : Logger.Level.INFO,
                    "Check %s: region %s answered %s (%d port verdicts, agent %s)", verdict.checkId(),
                    verdict.region(), verdict.status(), verdict.ports().size(), verdict.agentId());
            case IGNORED_TERMINAL -> LOG.infof("Check %s: region %s was already terminal; verdict %s ignored",
                    verdict.checkId(), verdict.region(), verdict.verdictId());
            case IGNORED_UNKNOWN -> LOG.warnf("Check %s: no such check or region %s not requested; verdict %s ignored",
                    verdict.checkId(), verdict.region(), verdict.verdictId());
        }
    }
}
