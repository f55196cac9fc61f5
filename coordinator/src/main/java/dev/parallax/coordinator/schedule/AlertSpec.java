package dev.parallax.coordinator.schedule;

import java.net.URI;

/**
 * How a schedule alerts: a port's state changes from a region only after {@code consecutive} runs in a row
 * agree; an alert fires when at least {@code quorum} regions see a port down; events go to {@code webhook}
 * (null: they are only stored).
 */
public record AlertSpec(URI webhook, int quorum, int consecutive) {

    public static final int DEFAULT_QUORUM = 1;
    public static final int DEFAULT_CONSECUTIVE = 2;

    public static AlertSpec defaults() {
        return new AlertSpec(null, DEFAULT_QUORUM, DEFAULT_CONSECUTIVE);
    }
}
