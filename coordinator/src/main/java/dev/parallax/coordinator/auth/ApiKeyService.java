package dev.parallax.coordinator.auth;

import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Issues, revokes and recognises API keys. A key is {@code pxk_} and 256 random bits; only its SHA-256 is stored,
 * so a copy of the database does not hold a single usable key.
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

    private final EntityManager em;
    private final ParallaxConfig.Auth auth;
    private final ParallaxConfig.Quotas quotas;

    public ApiKeyService(EntityManager em, ParallaxConfig config) {
        this.em = em;
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
        int inserted = em.createNativeQuery("""
                        INSERT INTO api_keys (id, key_hash, key_prefix, name, owner, scopes, created_at)
                        VALUES (:id, :hash, :prefix, 'admin key from parallax.auth.admin-key', 'admin',
                                CAST('{admin}' AS text[]), :now)
                        ON CONFLICT (key_hash) DO NOTHING""")
                .setParameter("id", UUID.randomUUID())
                .setParameter("hash", hash(key))
                .setParameter("prefix", shownPrefix(key))
                .setParameter("now", Instant.now().truncatedTo(ChronoUnit.MICROS))
                .executeUpdate();
        if (inserted == 1) {
            LOG.infof("Admin key %s… from parallax.auth.admin-key stored (hashed)", shownPrefix(key));
        }
    }

    @Transactional
    public IssuedKey issue(KeySpec spec) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        ApiKey stored = new ApiKey();
        stored.id = UUID.randomUUID();
        stored.keyHash = hash(key);
        stored.keyPrefix = shownPrefix(key);
        stored.name = spec.name();
        stored.owner = spec.owner();
        stored.scopes = spec.scopes().stream().sorted().map(Scope::wireName).toList();
        stored.costPerHour = spec.costPerHour();
        stored.requestsPerSecond = spec.requestsPerSecond();
        stored.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        stored.persist();
        LOG.infof("API key %s (%s…) issued to owner %s with scopes %s", stored.id, stored.keyPrefix, stored.owner,
                stored.scopes);
        return new IssuedKey(stored, key);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ApiKey> list() {
        return ApiKey.list("order by createdAt, id");
    }

    /** Revokes the key (at once, for every replica: each request looks its key up); empty if there is none. */
    @Transactional
    public Optional<ApiKey> revoke(UUID id) {
        ApiKey key = ApiKey.findById(id);
        if (key == null) {
            return Optional.empty();
        }
        if (key.revokedAt == null) {
            key.revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            LOG.infof("API key %s (%s…) of owner %s revoked", key.id, key.keyPrefix, key.owner);
        }
        return Optional.of(key);
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
        List<ApiKey> found = ApiKey.list("keyHash", hash(key));
        if (found.isEmpty()) {
            throw new AuthenticationFailedException("unknown API key");
        }
        ApiKey stored = found.getFirst();
        if (stored.revokedAt != null) {
            throw new AuthenticationFailedException("API key " + stored.keyPrefix + "… was revoked at "
                    + stored.revokedAt);
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        stored.scopes.forEach(name -> Scope.fromWireName(name).ifPresent(scopes::add));
        return new Caller(stored.owner, scopes, stored.id, Caller.KEY_SUBJECT_PREFIX + stored.id,
                stored.costPerHour != null ? stored.costPerHour : quotas.costPerHour(),
                stored.requestsPerSecond != null ? stored.requestsPerSecond : quotas.requestsPerSecond());
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
