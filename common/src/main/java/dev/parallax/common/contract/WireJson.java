package dev.parallax.common.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapping of the wire contract, shared by every producer and consumer so both sides agree
 * byte for byte: ISO-8601 instants, unknown fields rejected (a contract change must be deliberate).
 */
public final class WireJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private WireJson() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads one wire message.
     *
     * @throws ContractViolationException when the text is not JSON or breaks the contract; its message
     *                                    says what is wrong without echoing the whole payload
     */
    public static <T> T read(String json, Class<T> type) {
        if (json == null) {
            throw new ContractViolationException(type.getSimpleName() + ": empty message");
        }
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new ContractViolationException(type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
