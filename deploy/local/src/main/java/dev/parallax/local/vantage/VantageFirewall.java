package dev.parallax.local.vantage;

/**
 * What a vantage point's own firewall does to its connections to the guarded ports of the target: the reason
 * the same port looks different from different regions.
 */
public enum VantageFirewall {

    /** No rule: the vantage sees the target as it is. */
    NONE("no firewall: sees the target as it is", null),
    /** {@code reject with tcp reset}: the SYN is answered with a RST, so the port looks CLOSED. */
    RESET("its firewall answers with a TCP reset", "reject with tcp reset"),
    /** {@code drop}: nothing comes back, so the port looks FILTERED. */
    DROP("its firewall drops the SYN", "drop");

    private final String description;
    private final String nftVerdict;

    VantageFirewall(String description, String nftVerdict) {
        this.description = description;
        this.nftVerdict = nftVerdict;
    }

    public String description() {
        return description;
    }

    /** The nftables statement applied to matching packets; null for {@link #NONE}. */
    String nftVerdict() {
        return nftVerdict;
    }

    /** The firewall of the {@code index}-th vantage (0-based): none, reset, drop, then again from the start. */
    public static VantageFirewall forIndex(int index) {
        VantageFirewall[] all = values();
        return all[Math.floorMod(index, all.length)];
    }
}
