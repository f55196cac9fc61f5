package dev.parallax.common.logging;

import org.jboss.logging.MDC;

import java.util.UUID;

/**
 * Puts a check's id, and the region when there is one, into the current thread's mapped diagnostic context
 * while work on that check runs, so that every log line about it carries {@code checkId} (and {@code region})
 * as fields of its own in JSON logs. Use in try-with-resources on the thread that does the work: the MDC is
 * per thread, and closing restores what was there before, so contexts nest.
 */
public final class CheckLogContext implements AutoCloseable {

    public static final String CHECK_ID = "checkId";
    public static final String REGION = "region";

    private final Object previousCheckId;
    private final Object previousRegion;

    private CheckLogContext(UUID checkId, String region) {
        previousCheckId = MDC.get(CHECK_ID);
        previousRegion = MDC.get(REGION);
        MDC.put(CHECK_ID, String.valueOf(checkId));
        if (region != null) {
            MDC.put(REGION, region);
        }
    }

    public static CheckLogContext of(UUID checkId) {
        return new CheckLogContext(checkId, null);
    }

    public static CheckLogContext of(UUID checkId, String region) {
        return new CheckLogContext(checkId, region);
    }

    @Override
    public void close() {
        restore(CHECK_ID, previousCheckId);
        restore(REGION, previousRegion);
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
