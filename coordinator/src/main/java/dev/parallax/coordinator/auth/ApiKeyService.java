package dev.parallax.coordinator.auth;

import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.database.Jdbc;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static dev.parallax.coordinator.database.SqlTimestamps.bind;
import static dev.parallax.coordinator.database.SqlTimestamps.instant;

/**
 * Issues, revokes and recognises API keys. A key is {@code pxk_} and 256 random bits; only its SHA-256 is stored,
 * so a copy of the database does not hold a single usable key.
 *
 * <p>The {@code api_keys} table is reached through SQL only, here (and read by the schedule firer's statement): the
 * configured admin key is stored with {@code ON CONFLICT DO NOTHING}, so that every replica may try at startup. Plain
 * JDBC over the DataSource, which inside a transaction hands out that transaction's connection.
 */
@ApplicationScoped
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    private static final String KEY_PREFIX = "pxk_";
    private static final int SHOWN_PREFIX_LENGTH = 12;
    private static final int MIN_ADMIN_KEY_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What to issue a key for. {@code costPerHour} and {@code requestsPerSecond} null: the defaults. */
    public record KeySpec(String name, String owner, Set<Scope> scopes, Integer costPerHour,
                          Integer requestsPerSecond) {
    }

    /** A new key: the stored row, and the key itself, which exists nowhere else and is shown once. */
    public record IssuedKey(ApiKey stored, String key) {
    }

    /** The columns {@link #key} maps, by these names. */
    private static final String COLUMNS = "id, key_hash, key_prefix, name, owner, scopes, cost_per_hour, "
            + "requests_per_second, created_at, revoked_at";

    private final DataSource dataSource;
    private final ParallaxConfig.Auth auth;
    private final ParallaxConfig.Quotas quotas;

    public ApiKeyService(DataSource dataSource, ParallaxConfig config) {
        this.dataSource = dataSource;
        this.auth = config.auth();
        this.quotas = config.quotas();
    }

    /**
     * Stores the configured admin key, if any. Idempotent across restarts and replicas (the hash is unique); a
     * revoked admin key stays revoked: an operator who revoked it meant it.
     */
    @Transactional
    void storeAdminKey(@Observes StartupEvent startup) {
        Optional<String> adminKey = auth.adminKey().map(String::strip).filter(key -> !key.isEmpty());
        if (adminKey.isEmpty()) {
            return;
        }
        String key = adminKey.get();
        if (key.length() < MIN_ADMIN_KEY_LENGTH) {
            throw new IllegalStateException("parallax.auth.admin-key must have at least " + MIN_ADMIN_KEY_LENGTH
                    + " characters; it has " + key.length());
        }
        int inserted = update("""
                INSERT INTO api_keys (id, key_hash, key_prefix, name, owner, scopes, created_at)
                VALUES (?, ?, ?, 'admin key from parallax.auth.admin-key', 'admin', CAST('{admin}' AS text[]), ?)
                ON CONFLICT (key_hash) DO NOTHING""", "storing the admin key", UUID.randomUUID(), hash(key),
                shownPrefix(key), bind(Instant.now().truncatedTo(ChronoUnit.MICROS)));
        if (inserted == 1) {
            LOG.infof("Admin key %s… from parallax.auth.admin-key stored (hashed)", shownPrefix(key));
        }
    }

    @Transactional
    public IssuedKey issue(KeySpec spec) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKey stored = new ApiKey(UUID.randomUUID(), hash(key), shownPrefix(key), spec.name(), spec.owner(),
                spec.scopes().stream().sorted().map(Scope::wireName).toList(), spec.costPerHour(),
                spec.requestsPerSecond(), Instant.now().truncatedTo(ChronoUnit.MICROS), null);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO api_keys (id, key_hash, key_prefix, name, owner, scopes, cost_per_hour,
                                           requests_per_second, created_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, stored.id());
            insert.setString(2, stored.keyHash());
            insert.setString(3, stored.keyPrefix());
            insert.setString(4, stored.name());
            insert.setString(5, stored.owner());
            insert.setArray(6, connection.createArrayOf("text", stored.scopes().toArray()));
            insert.setObject(7, stored.costPerHour(), Types.INTEGER);
            insert.setObject(8, stored.requestsPerSecond(), Types.INTEGER);
            insert.setObject(9, bind(stored.createdAt()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new PersistenceException("issuing an API key failed: " + e.getMessage(), e);
        }
        LOG.infof("API key %s (%s…) issued to owner %s with scopes %s", stored.id(), stored.keyPrefix(),
                stored.owner(), stored.scopes());
        return new IssuedKey(stored, key);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ApiKey> list() {
        return keys("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id", "listing the API keys");
    }

    /** Revokes the key (at once, for every replica: each request looks its key up); empty if there is none. */
    @Transactional
    public Optional<ApiKey> revoke(UUID id) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // A key revoked before keeps when it was.
        List<ApiKey> revoked = keys("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING "
                + COLUMNS, "revoking API key " + id, bind(now), id);
        revoked.stream().filter(key -> now.equals(key.revokedAt())).forEach(key -> LOG.infof(
                "API key %s (%s…) of owner %s revoked", key.id(), key.keyPrefix(), key.owner()));
        return revoked.stream().findFirst();
    }

    /**
     * The caller behind an {@code Authorization} header value (null: no header).
     *
     * @param clientAddress the peer's address, which anonymous callers are rate-limited by
     * @throws AuthenticationFailedException when there is no usable key and anonymous callers are not served
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Caller authenticate(String authorization, String clientAddress) {
        if (authorization == null || authorization.isBlank()) {
            if (!auth.anonymous().enabled()) {
                throw new AuthenticationFailedException("this API needs a key: send 'Authorization: Bearer <key>'");
            }
            return new Caller(Caller.ANONYMOUS_OWNER,
                    EnumSet.of(Scope.CHECKS_WRITE, Scope.CHECKS_READ, Scope.SCHEDULES_WRITE), null,
                    Caller.ANONYMOUS_SUBJECT_PREFIX + clientAddress, auth.anonymous().costPerHour(),
                    auth.anonymous().requestsPerSecond());
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AuthenticationFailedException("the Authorization header must be 'Bearer <key>'");
        }
        String key = value.substring(7).strip();
        List<ApiKey> found = keys("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?", "looking an API key up",
                hash(key));
        if (found.isEmpty()) {
            throw new AuthenticationFailedException("unknown API key");
        }
        ApiKey stored = found.getFirst();
        if (stored.revokedAt() != null) {
            throw new AuthenticationFailedException("API key " + stored.keyPrefix() + "… was revoked at "
                    + stored.revokedAt());
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        stored.scopes().forEach(name -> Scope.fromWireName(name).ifPresent(scopes::add));
        return new Caller(stored.owner(), scopes, stored.id(), Caller.KEY_SUBJECT_PREFIX + stored.id(),
                stored.costPerHour() != null ? stored.costPerHour() : quotas.costPerHour(),
                stored.requestsPerSecond() != null ? stored.requestsPerSecond() : quotas.requestsPerSecond());
    }

    /** The keys a statement answers (a SELECT, or an UPDATE ... RETURNING), each mapped by {@link #key}. */
    private List<ApiKey> keys(String sql, String doing, Object... parameters) {
        return Jdbc.query(dataSource, doing, sql, ApiKeyService::key, parameters);
    }

    /** The rows a statement changed. */
    private int update(String sql, String doing, Object... parameters) {
        return Jdbc.update(dataSource, doing, sql, parameters);
    }

    /** The key row at the cursor, its columns named as in {@link #COLUMNS}. */
    private static ApiKey key(ResultSet row) throws SQLException {
        Array scopes = row.getArray("scopes");
        ApiKey key = new ApiKey(row.getObject("id", UUID.class), row.getString("key_hash"),
                row.getString("key_prefix"), row.getString("name"), row.getString("owner"),
                Arrays.asList((String[]) scopes.getArray()), row.getObject("cost_per_hour", Integer.class),
                row.getObject("requests_per_second", Integer.class), instant(row, "created_at"),
                instant(row, "revoked_at"));
        scopes.free();
        return key;
    }

    /** Enough to tell keys apart in a list, at most a quarter of the key: never enough to guess the rest. */
    private static String shownPrefix(String key) {
        return key.substring(0, Math.min(SHOWN_PREFIX_LENGTH, key.length() / 4));
    }

    static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }
}
