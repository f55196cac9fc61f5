package dev.parallax.coordinator.auth;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The coordinator as a public deployment runs it: no anonymous callers, the default target policy (no allowed
 * ranges), and the admin key from configuration as the only way in.
 */
public class PublicDeployment implements QuarkusTestProfile {

    /** The admin key configured for this profile (%test.parallax.auth.admin-key). */
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "parallax.auth.anonymous.enabled", "false",
                "parallax.targets.allow", "",
                "parallax.auth.admin-key", ADMIN_KEY);
    }
}
