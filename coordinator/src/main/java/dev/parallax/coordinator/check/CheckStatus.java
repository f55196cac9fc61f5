package dev.parallax.coordinator.check;

/** A check is PENDING until the first region answers, RUNNING while others are pending, then COMPLETE. */
public enum CheckStatus {
    PENDING,
    RUNNING,
    COMPLETE
}
