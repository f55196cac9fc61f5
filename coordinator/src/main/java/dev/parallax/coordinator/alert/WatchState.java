package dev.parallax.coordinator.alert;

/**
 * A debounced state: the confirmed value changes only when the same new value was observed {@code consecutive}
 * times in a row. An observation equal to the confirmed value ends any streak towards another one, so a port
 * that flaps faster than that never changes state, and never alerts.
 *
 * @param confirmed what the subject is held to be ({@link #UNKNOWN} before anything was confirmed)
 * @param candidate the value being observed in a row, or null
 * @param streak    how many times in a row {@code candidate} was observed
 */
public record WatchState(String confirmed, String candidate, int streak) {

    public static final String UNKNOWN = "unknown";

    public static WatchState initial() {
        return new WatchState(UNKNOWN, null, 0);
    }

    /** The state after one more observation; {@code changed} when its confirmed value changed. */
    public record Step(WatchState next, boolean changed, String from) {
    }

    public Step observe(String observation, int consecutive) {
        if (consecutive < 1) {
            throw new IllegalArgumentException("consecutive must be at least 1");
        }
        if (observation.equals(confirmed)) {
            return new Step(new WatchState(confirmed, null, 0), false, confirmed);
        }
        int run = observation.equals(candidate) ? streak + 1 : 1;
        if (run >= consecutive) {
            return new Step(new WatchState(observation, null, 0), true, confirmed);
        }
        return new Step(new WatchState(confirmed, observation, run), false, confirmed);
    }
}
