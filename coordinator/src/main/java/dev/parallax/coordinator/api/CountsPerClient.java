package dev.parallax.coordinator.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each client holds at once (bodies being sent, event streams open), at most {@code max}.
 * A client that holds none has no entry, so the map stays as small as the clients active now. Thread-safe: each
 * count changes in one atomic step of the map.
 */
final class CountsPerClient {

    private final Map<String, Integer> held = new ConcurrentHashMap<>();
    private final int max;

    CountsPerClient(int max) {
        this.max = max;
    }

    /** Counts one more for the client, unless it already holds {@code max}; whether it was counted. */
    boolean tryTake(String client) {
        boolean[] taken = {false};
        held.compute(client, (key, now) -> {
            int count = now == null ? 0 : now;
            if (count >= max) {
                return now;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    /** Gives one back; MUST follow a {@link #tryTake} that returned true. */
    void release(String client) {
        held.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
    }
}
