package dev.parallax.coordinator.result;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.database.DatabaseErrors;
import dev.parallax.coordinator.kafka.TopicConsumer;
import dev.parallax.coordinator.kafka.TopicConsumers;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Consumes {@code parallax.verdicts} (group {@value Topics#COORDINATOR_GROUP}, shared by every coordinator) and hands
 * the verdicts of each poll to the {@link VerdictStore}, on the consumer's own thread ({@link TopicConsumer}): never
 * queued behind REST requests, which under load once kept verdicts waiting seconds to be stored while the API went
 * on accepting checks.
 */
@ApplicationScoped
public class VerdictIngester {

    /** The consumer's thread and client id, which names its Kafka client meters. */
    static final String CONSUMER = "kafka-consumer-verdicts";

    private static final Logger LOG = Logger.getLogger(VerdictIngester.class);
    /** Bounds one poll, which is stored in one transaction. */
    private static final int MAX_POLL_RECORDS = 500;
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final VerdictStore store;
    private final VerdictDeadLetters deadLetters;
    private final VerdictMetrics metrics;
    private final TopicConsumers consumers;
    private TopicConsumer consumer;
    private volatile boolean stopping;

    public VerdictIngester(VerdictStore store, VerdictDeadLetters deadLetters, VerdictMetrics metrics,
                           TopicConsumers consumers) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.consumers = consumers;
    }

    void start(@Observes StartupEvent startup) {
        consumer = consumers.start(CONSUMER, Topics.VERDICTS, Topics.COORDINATOR_GROUP,
                TopicConsumer.Offsets.COMMITTED, Map.of(
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS,
                        // A replica that dies without leaving the group holds its partitions until its session
                        // times out: at Kafka's default 45 s their verdicts would wait past their checks' deadlines,
                        // so the survivors take over after 10 s.
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000),
                this::onVerdicts);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        stopping = true;
        if (consumer != null) {
            consumer.stop(STOP_GRACE);
        }
    }

    /**
     * Runs on the consumer's thread, one poll at a time: a poll's verdicts are stored in one transaction, and their
     * offsets are committed only after this returns, i.e. after that transaction committed, so a crash in
     * between redelivers them and the store's idempotence absorbs the repeats.
     *
     * <p>This method throws only when the coordinator stops (the batch is then left uncommitted). While the database
     * is unreachable it retries the same batch for as long as the outage lasts, and polls nothing meanwhile, which is
     * what keeps later verdicts from being committed unstored (past the consumer's {@code max.poll.interval.ms}, 5
     * minutes, the group gives its partitions to other coordinators, and what they read again is stored once). If
     * the batch fails for another reason, its verdicts are stored one by one, so that one verdict that can never be
     * stored (logged and dropped; the deadline sweeper ends its region) does not take the others with it. A verdict
     * that breaks the contract is parked on the dead-letter topic ({@link VerdictDeadLetters}) before the batch is
     * stored.
     */
    public void onVerdicts(ConsumerRecords<String, String> records) {
        List<ProbeVerdict> verdicts = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            try {
                verdicts.add(WireJson.read(record.value(), ProbeVerdict.class));
            } catch (ContractViolationException e) {
                // A malformed verdict can never become valid: park it so that the verdicts behind it keep flowing.
                deadLetters.park(record, e.getMessage());
                metrics.deadLettered();
            }
        }
        if (verdicts.isEmpty()) {
            return;
        }
        try {
            withRetries(() -> store.storeAll(verdicts), "a batch of " + verdicts.size() + " verdicts")
                    .forEach(this::logAndCount);
        } catch (PermanentFailure batchFailed) {
            for (ProbeVerdict verdict : verdicts) {
                try {
                    VerdictStore.Outcome outcome = withRetries(() -> store.store(verdict),
                            "the verdict of check " + verdict.checkId() + " from " + verdict.region());
                    logAndCount(new VerdictStore.Stored(verdict, outcome, false));
                } catch (PermanentFailure e) {
                    try (CheckLogContext logContext = CheckLogContext.of(verdict.checkId(), verdict.region())) {
                        LOG.errorf(e.getCause(), "Check %s: verdict %s of region %s cannot be stored and is dropped",
                                verdict.checkId(), verdict.verdictId(), verdict.region());
                    }
                }
            }
        }
    }

    /** A failure that retrying will not cure. */
    private static final class PermanentFailure extends Exception {
        PermanentFailure(RuntimeException cause) {
            super(cause);
        }
    }

    private <T> T withRetries(Supplier<T> storing, String what) throws PermanentFailure {
        Duration retryIn = FIRST_RETRY;
        while (true) {
            try {
                return storing.get();
            } catch (RuntimeException e) {
                if (stopping) {
                    // Not committed: the verdicts are redelivered to whichever coordinator consumes next.
                    throw e;
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
                    throw e;
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
