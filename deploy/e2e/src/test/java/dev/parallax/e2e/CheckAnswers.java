package dev.parallax.e2e;

import dev.parallax.client.Check;
import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;

import java.time.Duration;
import java.util.UUID;

/** How the end-to-end tests read a check's answers, failing with what there was and where the logs are. */
public final class CheckAnswers {

    private CheckAnswers() {
    }

    /** Waits for the check to be COMPLETE; fails with its last state and the stack's logs directory. */
    public static Check awaitComplete(ParallaxClient api, UUID id, Duration patience, LocalStack stack) {
        try {
            return api.awaitComplete(id, patience);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\nlogs in " + stack.workDir().resolve("logs"), e);
        }
    }

    /** The region's answer in a check. */
    public static Check.Region region(Check check, String name) {
        return check.region(name).orElseThrow(() -> new AssertionError("no region " + name + " in " + check));
    }

    /** {@code STATE/reason} of one port in a region's answer. */
    public static String portState(Check.Region region, int port) {
        Check.Port verdict = region.port(port).orElseThrow(
                () -> new AssertionError("no verdict for port " + port + " in " + region));
        return verdict.state() + "/" + verdict.reason();
    }
}
