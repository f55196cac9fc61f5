package dev.parallax.coordinator.check;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A check is PENDING until the first region answers, RUNNING while others are pending, then COMPLETE. */
@Schema(description = "Where a check stands: `PENDING` until the first region answers, `RUNNING` while others are "
        + "pending, `COMPLETE` once every region has ended.")
public enum CheckStatus {
    PENDING,
    RUNNING,
    COMPLETE
}
