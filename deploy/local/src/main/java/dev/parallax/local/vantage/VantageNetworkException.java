package dev.parallax.local.vantage;

/**
 * Network namespaces cannot be built or torn down here (by {@link VantageNetwork} or anything else using
 * {@link NetnsCommands}); the message says why and what to install.
 */
public final class VantageNetworkException extends RuntimeException {

    public VantageNetworkException(String message) {
        super(message);
    }
}
