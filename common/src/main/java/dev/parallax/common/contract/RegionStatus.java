package dev.parallax.common.contract;

/** Where one (check, region) stands. Every status but {@link #PENDING} is terminal and never changes again. */
public enum RegionStatus {
    /** No verdict yet. */
    PENDING,
    /** The agent probed every port; the port verdicts hold the answers. */
    DONE,
    /** The target policy refused an address the agent resolved. */
    BLOCKED,
    /** DNS failed at the agent (NXDOMAIN, no address of the requested family, timeout). */
    UNRESOLVED,
    /** The agent received the job after its deadline and did not probe. */
    EXPIRED,
    /** No verdict arrived by the check's deadline. */
    UNAVAILABLE,
    /** The agent failed; the message says how. */
    FAILED;

    public boolean isTerminal() {
        return this != PENDING;
    }
}
