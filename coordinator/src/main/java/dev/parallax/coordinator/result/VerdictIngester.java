package dev.parallax.coordinator.result;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.common.logging.CheckLogContext;
import dev.parallax.coordinator.database.DatabaseErrors;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Stores the verdicts of the {@value #VERDICTS} channel ({@code parallax.verdicts}, group
 * {@value Topics#COORDINATOR_GROUP}, shared by every coordinator), a poll's worth at a time, through the
 * {@link VerdictStore}. The batches run one after another on a worker pool of their own ({@value #WORKER}, one
 * thread): never queued behind REST requests, which under load would keep verdicts waiting to be stored while the API
 * went on accepting checks.
 */
@ApplicationScoped
public class VerdictIngester {

    /** The channel verdicts arrive by. */
    public static final String VERDICTS = "verdicts";
    /** The worker pool the batches are stored on; its size is configured (one thread). */
    static final String WORKER = "verdict-store";

    private static final Logger LOG = Logger.getLogger(VerdictIngester.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final VerdictStore store;
    private final VerdictMetrics metrics;
    private volatile boolean stopping;

    public VerdictIngester(VerdictStore store, VerdictMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    /**
     * One poll's verdicts, stored in one transaction; the batch is acknowledged only after that transaction
     * committed, and the channel commits offsets only past acknowledged batches (the connector's {@code throttled}
     * strategy), so a crash in between redelivers them and the store's idempotence absorbs the repeats.
     *
     * <p>While the coordinator stops, a batch that could not be stored is left unacknowledged, for whichever
     * coordinator consumes next. While the database is unreachable the same batch is retried for as long as the
     * outage lasts, and the channel's queue fills and pauses the partitions meanwhile, which is what keeps later
     * verdicts from being committed unstored. If the batch fails for another reason, its verdicts are stored one by
     * one, so that one verdict that can never be stored (logged and dropped; the deadline sweeper ends its region)
     * does not take the others with it. A verdict that breaks the contract is parked first, on
     * {@value Topics#VERDICTS_DEAD_LETTERS} by the channel's {@code dead-letter-queue} failure strategy, with the
     * reason in the {@code dead-letter-reason} header.
     *
     * <p>Never fails the returned stage: a failed stage would end the channel's stream.
     */
    @Incoming(VERDICTS)
    @Blocking(WORKER)
    public CompletionStage<Void> onVerdicts(KafkaRecordBatch<String, String> batch) {
        List<ProbeVerdict> verdicts = new ArrayList<>(batch.getRecords().size());
        for (KafkaRecord<String, String> record : batch) {
            try {
                verdicts.add(WireJson.read(record.getPayload(), ProbeVerdict.class));
            } catch (ContractViolationException e) {
                // A malformed verdict can never become valid: park it so that the verdicts behind it keep flowing.
                park(record, e);
            }
        }
        if (!verdicts.isEmpty() && !storeAll(verdicts)) {
            return CompletableFuture.completedFuture(null);
        }
        return batch.ack();
    }

    /** Waits until the copy is on the dead-letter topic; if it cannot be written, logs the record in full instead. */
    private void park(KafkaRecord<String, String> record, ContractViolationException violation) {
        metrics.deadLettered();
        try {
            record.nack(violation).toCompletableFuture().get();
            LOG.warnf("Verdict at %s parked on %s: %s", position(record), Topics.VERDICTS_DEAD_LETTERS,
                    violation.getMessage());
        } catch (ExecutionException e) {
            LOG.errorf("Verdict at %s breaks the contract (%s) and could not be parked (%s); its payload: %s",
                    position(record), violation.getMessage(), e.getCause(), record.getPayload());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the verdicts were dealt with (stored, or dropped for good); false only while stopping. */
    private boolean storeAll(List<ProbeVerdict> verdicts) {
        try {
            withRetries(() -> store.storeAll(verdicts), "a batch of " + verdicts.size() + " verdicts")
                    .forEach(this::logAndCount);
            return true;
        } catch (Stopping e) {
            return false;
        } catch (PermanentFailure batchFailed) {
            for (ProbeVerdict verdict : verdicts) {
                try {
                    VerdictStore.Outcome outcome = withRetries(() -> store.store(verdict),
                            "the verdict of check " + verdict.checkId() + " from " + verdict.region());
                    logAndCount(new VerdictStore.Stored(verdict, outcome, false));
                } catch (Stopping e) {
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

    /** topic-partition@offset. */
    private static String position(KafkaRecord<String, String> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(incoming -> incoming.getTopic() + "-" + incoming.getPartition() + "@" + incoming.getOffset())
                .orElse(record.getTopic());
    }

    /** The coordinator stops: what was not stored is left for the next consumer. */
    private static final class Stopping extends Exception {
        Stopping(RuntimeException cause) {
            super(cause);
        }
    }

    /** A failure that retrying will not cure. */
    private static final class PermanentFailure extends Exception {
        PermanentFailure(RuntimeException cause) {
            super(cause);
        }
    }

    private <T> T withRetries(Supplier<T> storing, String what) throws PermanentFailure, Stopping {
        Duration retryIn = FIRST_RETRY;
        while (true) {
            try {
                return storing.get();
            } catch (RuntimeException e) {
                if (stopping) {
                    throw new Stopping(e);
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
                    throw new Stopping(e);
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
