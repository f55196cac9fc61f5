package dev.parallax.coordinator.quota;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * Token buckets in PostgreSQL, so that every coordinator replica takes from the same ones. A bucket holds up to
 * {@code capacity} tokens and regains {@code perSecond} a second; taking is one statement (an upsert that takes
 * only if enough tokens are there), so two replicas taking at once never both get the last token.
 */
@ApplicationScoped
public class QuotaBuckets {

    /** Which bucket of a subject. */
    public enum Kind {
        REQUESTS("requests"), COST("cost");

        final String column;

        Kind(String column) {
            this.column = column;
        }
    }

    /**
     * The outcome of one take.
     *
     * @param taken     whether the tokens were taken
     * @param remaining the tokens left after this take (or now, if nothing was taken)
     */
    public record Take(boolean taken, double remaining) {
    }

    private final EntityManager em;

    public QuotaBuckets(EntityManager em) {
        this.em = em;
    }

    /**
     * Takes {@code tokens} from the bucket if it holds that many. Runs in a transaction of its own and commits at
     * once: a bucket row must stay locked for one statement, not for the caller's whole request.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Take take(String subject, Kind kind, double capacity, double perSecond, double tokens) {
        @SuppressWarnings("unchecked")
        List<Object> taken = em.createNativeQuery("""
                        INSERT INTO quota_buckets AS b (subject, kind, tokens, refilled_at)
                        VALUES (:subject, :kind, :capacity - :tokens, clock_timestamp())
                        ON CONFLICT (subject, kind) DO UPDATE
                           SET tokens = LEAST(:capacity, b.tokens + :perSecond
                                                * EXTRACT(EPOCH FROM clock_timestamp() - b.refilled_at)) - :tokens,
                               refilled_at = clock_timestamp()
                         WHERE LEAST(:capacity, b.tokens + :perSecond
                                       * EXTRACT(EPOCH FROM clock_timestamp() - b.refilled_at)) >= :tokens
                        RETURNING tokens""")
                .setParameter("subject", subject)
                .setParameter("kind", kind.column)
                .setParameter("capacity", capacity)
                .setParameter("perSecond", perSecond)
                .setParameter("tokens", tokens)
                .getResultList();
        if (!taken.isEmpty()) {
            return new Take(true, ((Number) taken.getFirst()).doubleValue());
        }
        Object now = em.createNativeQuery("""
                        SELECT LEAST(:capacity, tokens + :perSecond * EXTRACT(EPOCH FROM clock_timestamp() - refilled_at))
                          FROM quota_buckets WHERE subject = :subject AND kind = :kind""")
                .setParameter("subject", subject)
                .setParameter("kind", kind.column)
                .setParameter("capacity", capacity)
                .setParameter("perSecond", perSecond)
                .getSingleResult();
        return new Take(false, ((Number) now).doubleValue());
    }
}
