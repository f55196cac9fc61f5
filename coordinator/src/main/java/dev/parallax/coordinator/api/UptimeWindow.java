package dev.parallax.coordinator.api;

import java.time.Duration;

/** How far back a schedule's uptime looks: the {@code window} parameter's values. */
enum UptimeWindow {
    DAY("24h", Duration.ofHours(24)),
    WEEK("7d", Duration.ofDays(7)),
    MONTH("30d", Duration.ofDays(30));

    /** The parameter's values, as a pattern for {@code @Pattern}. */
    static final String NAMES = "24h|7d|30d";

    final String parameter;
    final Duration length;

    UptimeWindow(String parameter, Duration length) {
        this.parameter = parameter;
        this.length = length;
    }

    /** The window a parameter that matched {@link #NAMES} names. */
    static UptimeWindow named(String parameter) {
        for (UptimeWindow window : values()) {
            if (window.parameter.equals(parameter)) {
                return window;
            }
        }
        throw new IllegalArgumentException("no uptime window " + parameter);
    }
}
