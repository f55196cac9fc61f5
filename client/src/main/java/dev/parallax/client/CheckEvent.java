package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One server-sent event of a check's stream ({@code GET /api/v1/checks/{id}/events}): a {@code region} event as
 * each region ends, then {@code complete} with the whole check, or {@code timeout} if it did not complete in time;
 * either ends the stream.
 *
 * @param data the event's data as sent: JSON for {@code region} and {@code complete}, a sentence for
 *             {@code timeout}
 */
public record CheckEvent(String name, String data) {

    public static final String REGION = "region";
    public static final String COMPLETE = "complete";
    public static final String TIMEOUT = "timeout";

    /** Whether the stream ends with this event. */
    public boolean isLast() {
        return COMPLETE.equals(name) || TIMEOUT.equals(name);
    }

    /** The data as JSON, e.g. to print what the API sent; throws {@link ApiException} if it is not JSON. */
    public JsonNode json() {
        return Json.parse(data);
    }

    /** The region that ended, of a {@code region} event. */
    public Check.Region region() {
        require(REGION);
        return Check.Region.from(Json.parse(data));
    }

    /** The completed check, of a {@code complete} event. */
    public Check check() {
        require(COMPLETE);
        return Check.from(Json.parse(data));
    }

    private void require(String expected) {
        if (!expected.equals(name)) {
            throw new IllegalStateException("a " + name + " event, not " + expected);
        }
    }
}
