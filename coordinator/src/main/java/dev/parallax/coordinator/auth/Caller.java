package dev.parallax.coordinator.auth;

import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Who is calling: the owner whose checks and schedules they see, what they may do, and the limits their
 * requests are counted against.
 *
 * @param owner        the owner of everything this caller creates; another owner's checks are invisible to it
 * @param scopes       what the caller may do
 * @param keyId        the API key used, null for an anonymous caller
 * @param quotaSubject whose token buckets the requests are taken from: the key, or the anonymous client address
 */
public record Caller(String owner, Set<Scope> scopes, UUID keyId, String quotaSubject, int costPerHour,
                     int requestsPerSecond) {

    /** The owner of everything anonymous callers create. */
    public static final String ANONYMOUS_OWNER = "anonymous";
    /** How an anonymous caller's quota subject begins: its client address follows. */
    public static final String ANONYMOUS_SUBJECT_PREFIX = "address:";
    /** How a key's quota subject begins: the key's id follows. */
    public static final String KEY_SUBJECT_PREFIX = "key:";

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public boolean anonymous() {
        return keyId == null;
    }

    /**
     * @throws ScopeMissingException unless the caller has one of {@code anyOf} (or {@link Scope#ADMIN})
     */
    public void require(Scope... anyOf) {
        if (scopes.contains(Scope.ADMIN) || Arrays.stream(anyOf).anyMatch(scopes::contains)) {
            return;
        }
        throw new ScopeMissingException(anonymous(), Arrays.stream(anyOf).map(Scope::wireName)
                .collect(Collectors.joining(" or ")));
    }
}
