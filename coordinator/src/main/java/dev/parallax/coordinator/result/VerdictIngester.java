package dev.parallax.coordinator.result;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.database.DatabaseErrors;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/** Consumes {@code parallax.verdicts} and hands each verdict to the {@link VerdictStore}. */
@ApplicationScoped
public class VerdictIngester {

    public static final String CHANNEL = "verdicts-in";

    private static final Logger LOG = Logger.getLogger(VerdictIngester.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final VerdictStore store;
    private volatile boolean stopping;

    public VerdictIngester(VerdictStore store) {
        this.store = store;
    }

    void onShutdown(@Observes ShutdownEvent shutdown) {
        stopping = true;
    }

    /**
     * Blocking because storing is JDBC work; it MUST NOT run on the Kafka polling thread. The offset is
     * committed only after this returns, i.e. after the transaction committed, so a crash in between
     * redelivers the verdict and the store's idempotence absorbs the repeat.
     *
     * <p>This method never throws: a nacked record would stop the channel for good. While the database is
     * unreachable it retries the same verdict (holding back the partition, which is what keeps later verdicts
     * from being committed unstored); a verdict that can never be stored is logged and dropped, and the
     * deadline sweeper ends its region.
     */
    @Incoming(CHANNEL)
    @Blocking
    public void onVerdict(String payload) {
        ProbeVerdict verdict;
        try {
            verdict = WireJson.read(payload, ProbeVerdict.class);
        } catch (ContractViolationException e) {
            // A malformed verdict can never become valid: skip it so the channel keeps flowing.
            LOG.warnf("Skipping a verdict that breaks the contract: %s", e.getMessage());
            return;
        }
        Duration retryIn = FIRST_RETRY;
        while (true) {
            try {
                log(verdict, store.store(verdict));
                return;
            } catch (RuntimeException e) {
                if (stopping) {
                    // Not committed: the verdict is redelivered to whichever coordinator consumes next.
                    throw e;
                }
                if (!DatabaseErrors.isTransient(e)) {
                    LOG.errorf(e, "Check %s: verdict %s of region %s cannot be stored and is dropped",
                            verdict.checkId(), verdict.verdictId(), verdict.region());
                    return;
                }
                LOG.warnf("Check %s: database unavailable while storing the verdict of %s, retrying in %d ms: %s",
                        verdict.checkId(), verdict.region(), retryIn.toMillis(), e.getMessage());
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

    private static void log(ProbeVerdict verdict, VerdictStore.Outcome outcome) {
        switch (outcome) {
            case STORED -> LOG.infof("Check %s: region %s answered %s (%d port verdicts, agent %s)",
                    verdict.checkId(), verdict.region(), verdict.status(), verdict.ports().size(), verdict.agentId());
            case IGNORED_TERMINAL -> LOG.infof("Check %s: region %s was already terminal; verdict %s ignored",
                    verdict.checkId(), verdict.region(), verdict.verdictId());
            case IGNORED_UNKNOWN -> LOG.warnf("Check %s: no such check or region %s not requested; verdict %s ignored",
                    verdict.checkId(), verdict.region(), verdict.verdictId());
        }
    }
}
