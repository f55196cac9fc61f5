package dev.parallax.local.vantage;

/** The vantage network cannot be built or torn down here; the message says why and what to install. */
public final class VantageNetworkException extends RuntimeException {

    public VantageNetworkException(String message) {
        super(message);
    }
}
