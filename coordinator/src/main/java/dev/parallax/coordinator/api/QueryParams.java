package dev.parallax.coordinator.api;

import dev.parallax.coordinator.check.InvalidCheckException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query parameters several endpoints share, parsed with an error that says what is accepted. */
final class QueryParams {

    /** The instants a parameter may name: nothing was created before, and PostgreSQL stores nothing after. */
    static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private QueryParams() {
    }

    /** {@code limit}: a whole number from 1 to {@code max}; {@code defaultValue} when absent. */
    static int limit(String raw, int defaultValue, int max) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        String digits = raw.strip();
        // ASCII digits only: Integer.parseInt would also read other scripts' digits ("５").
        if (!digits.isEmpty() && digits.length() <= 9 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int limit = Integer.parseInt(digits);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        }
        throw new InvalidCheckException("limit", "limit must be a whole number from 1 to " + max + "; got '" + raw
                + "'");
    }

    /** An ISO-8601 instant such as {@code 2026-01-31T12:00:00Z}, between 1970 and the end of 9999. */
    static Instant instant(String field, String raw) {
        return instant(field, raw, "an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }

    /** As {@link #instant(String, String)}; {@code accepted} says what the parameter takes when it cannot be read. */
    static Instant instant(String field, String raw, String accepted) {
        Instant instant;
        try {
            instant = Instant.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidCheckException(field, field + " must be " + accepted + "; got '" + raw + "'");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidCheckException(field, field + " must lie between " + EARLIEST + " and " + LATEST
                    + "; got '" + raw + "'");
        }
        return instant;
    }
}
