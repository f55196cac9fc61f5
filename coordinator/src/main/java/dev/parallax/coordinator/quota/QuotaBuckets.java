package dev.parallax.coordinator.quota;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /**
     * One request of {@link #takeInOrder}: {@code tokens} from the cost bucket of {@code subject}, which holds up to
     * {@code capacity} and regains {@code perSecond} a second.
     */
    public record CostRequest(String subject, double capacity, double perSecond, double tokens) {
    }

    /**
     * Takes the check cost of many requests at once, in the caller's transaction and on its connection, a handful of
     * statements whatever their number: each is taken if its bucket still holds enough after the requests before it.
     * The buckets stay locked until that transaction ends; they are locked in the order of their subjects, so two
     * callers never wait for each other in a circle. The first request of a subject sets its capacity and rate.
     *
     * @return for each request, in order, what its bucket had left after it (taken or not)
     */
    public static List<Take> takeInOrder(Connection connection, List<CostRequest> requests) throws SQLException {
        if (requests.isEmpty()) {
            return List.of();
        }
        Map<String, CostRequest> bySubject = new TreeMap<>();
        requests.forEach(request -> bySubject.putIfAbsent(request.subject(), request));
        String[] subjects = bySubject.keySet().toArray(String[]::new);
        Double[] capacities = bySubject.values().stream().map(CostRequest::capacity).toArray(Double[]::new);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO quota_buckets (subject, kind, tokens, refilled_at)
                SELECT b.subject, 'cost', b.capacity, clock_timestamp()
                  FROM unnest(?::text[], ?::float8[]) AS b (subject, capacity)
                 ORDER BY b.subject
                ON CONFLICT (subject, kind) DO NOTHING""")) {
            insert.setArray(1, connection.createArrayOf("text", subjects));
            insert.setArray(2, connection.createArrayOf("float8", capacities));
            insert.executeUpdate();
        }
        Map<String, Double> available = new HashMap<>();
        OffsetDateTime now = null;
        try (PreparedStatement lock = connection.prepareStatement("""
                SELECT subject, tokens, EXTRACT(EPOCH FROM clock_timestamp() - refilled_at), clock_timestamp()
                  FROM quota_buckets
                 WHERE kind = 'cost' AND subject = ANY (?)
                 ORDER BY subject
                   FOR UPDATE""")) {
            Array subjectArray = connection.createArrayOf("text", subjects);
            lock.setArray(1, subjectArray);
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    CostRequest first = bySubject.get(rows.getString(1));
                    double refilled = rows.getDouble(2) + first.perSecond() * Math.max(0, rows.getDouble(3));
                    available.put(rows.getString(1), Math.min(first.capacity(), refilled));
                    now = rows.getObject(4, OffsetDateTime.class);
                }
            }
        }
        List<Take> takes = new ArrayList<>(requests.size());
        for (CostRequest request : requests) {
            double left = available.getOrDefault(request.subject(), 0.0);
            boolean taken = left >= request.tokens();
            if (taken) {
                left -= request.tokens();
                available.put(request.subject(), left);
            }
            takes.add(new Take(taken, left));
        }
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE quota_buckets q SET tokens = b.tokens, refilled_at = ?
                  FROM unnest(?::text[], ?::float8[]) AS b (subject, tokens)
                 WHERE q.kind = 'cost' AND q.subject = b.subject""")) {
            update.setObject(1, now);
            update.setArray(2, connection.createArrayOf("text", subjects));
            update.setArray(3, connection.createArrayOf("float8",
                    bySubject.keySet().stream().map(subject -> available.getOrDefault(subject, 0.0))
                            .toArray(Double[]::new)));
            update.executeUpdate();
        }
        return takes;
    }
}
