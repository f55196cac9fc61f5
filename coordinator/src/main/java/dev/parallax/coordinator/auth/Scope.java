package dev.parallax.coordinator.auth;

import java.util.Arrays;
import java.util.Optional;

/** What an API key may do. {@link #ADMIN} may do everything, including managing keys. */
public enum Scope {
    CHECKS_WRITE("checks:write"),
    CHECKS_READ("checks:read"),
    SCHEDULES_WRITE("schedules:write"),
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** As written in requests and responses, e.g. {@code checks:write}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Scope> fromWireName(String name) {
        return Arrays.stream(values()).filter(scope -> scope.wireName.equals(name)).findFirst();
    }
}
