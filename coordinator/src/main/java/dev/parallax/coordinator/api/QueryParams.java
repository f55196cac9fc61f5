package dev.parallax.coordinator.api;

import dev.parallax.coordinator.check.InvalidCheckException;

/** Query parameters several endpoints share, parsed with an error that says what is accepted. */
final class QueryParams {

    private QueryParams() {
    }

    /** {@code limit}: a whole number from 1 to {@code max}; {@code defaultValue} when absent. */
    static int limit(String raw, int defaultValue, int max) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int limit = Integer.parseInt(raw.strip());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the accepted range.
        }
        throw new InvalidCheckException("limit", "limit must be a whole number from 1 to " + max + "; got '" + raw
                + "'");
    }
}
