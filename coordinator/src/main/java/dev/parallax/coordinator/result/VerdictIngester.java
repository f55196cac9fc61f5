package dev.parallax.coordinator.result;

import dev.parallax.common.contract.ContractViolationException;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.WireJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Consumes {@code parallax.verdicts} and hands each verdict to the {@link VerdictStore}. */
@ApplicationScoped
public class VerdictIngester {

    public static final String CHANNEL = "verdicts-in";

    private static final Logger LOG = Logger.getLogger(VerdictIngester.class);

    private final VerdictStore store;

    public VerdictIngester(VerdictStore store) {
        this.store = store;
    }

    /**
     * Blocking because storing is JDBC work; it MUST NOT run on the Kafka polling thread. The offset is
     * committed only after this returns, i.e. after the transaction committed, so a crash in between
     * redelivers the verdict and the store's idempotence absorbs the repeat.
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
        VerdictStore.Outcome outcome = store.store(verdict);
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
