package dev.parallax.local;

import java.nio.file.Path;

/**
 * What a component of the stack tells whoever runs it: a line per step worth reporting (a stop or a restart asked
 * for), and the end of a process that nobody asked to stop.
 */
public interface ComponentListener {

    /** Hears nothing: for a component run on its own, as in its tests. */
    ComponentListener NONE = new ComponentListener() {
    };

    default void progress(String line) {
    }

    /** The component's process ended on its own; {@code detail} says how, {@code logFile} where to read why. */
    default void exitedUnexpectedly(String component, String detail, Path logFile) {
    }
}
