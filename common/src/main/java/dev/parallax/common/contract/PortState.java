package dev.parallax.common.contract;

/**
 * What one TCP connect probe concluded about one (address, port), in nmap's connect-scan vocabulary.
 * {@link #ERROR} is a failure on the prober's own side (no free local port, too many open files): it says
 * nothing about the target, so it is never reported as FILTERED.
 */
public enum PortState {
    OPEN,
    CLOSED,
    FILTERED,
    ERROR
}
