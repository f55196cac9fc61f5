package dev.parallax.local.vantage;

import java.util.List;
import java.util.function.Supplier;

/**
 * Removes what a network built on this host (its processes, namespaces and veths) exactly once: when its owner
 * closes it, or from a JVM shutdown hook if the owner never gets there (a failed build, a test JVM told to exit).
 */
public final class Teardown implements AutoCloseable {

    private final String what;
    private final Supplier<List<String>> cleanUp;
    private final Thread hook;
    private boolean done;

    private Teardown(String what, Supplier<List<String>> cleanUp) {
        this.what = what;
        this.cleanUp = cleanUp;
        this.hook = new Thread(this::run, "teardown " + what);
    }

    /**
     * Registers the shutdown hook.
     *
     * @param what    what is removed, for messages: {@code vantage network plxv…}
     * @param cleanUp removes it and returns what went wrong; called at most once
     */
    public static Teardown register(String what, Supplier<List<String>> cleanUp) {
        Teardown teardown = new Teardown(what, cleanUp);
        Runtime.getRuntime().addShutdownHook(teardown.hook);
        return teardown;
    }

    /**
     * Cleans up unless that was done already, and returns what went wrong (nothing, the second time). For a build
     * that failed half way: the caller reports the build's own failure.
     */
    public synchronized List<String> run() {
        if (done) {
            return List.of();
        }
        done = true;
        return cleanUp.get();
    }

    /** Cleans up unless that was done already, and unregisters the hook; fails saying what went wrong. */
    @Override
    public void close() {
        List<String> problems = run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to.
        }
        if (!problems.isEmpty()) {
            throw new VantageNetworkException("cleaning up " + what + ": " + String.join("; ", problems));
        }
    }
}
