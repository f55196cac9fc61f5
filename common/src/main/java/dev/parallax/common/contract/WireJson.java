package dev.parallax.common.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON mapping of the wire contract, shared by every producer and consumer: ISO-8601 instants,
 * enums by their wire names. A tolerant reader: unknown fields are ignored, so during a rolling upgrade an
 * old consumer still reads messages from a newer producer that added a field. Missing or invalid required
 * fields are refused by the records' own validation.
 */
public final class WireJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
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
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                // The JSON literal null parses "successfully" into nothing.
                throw new ContractViolationException(type.getSimpleName() + ": the message is JSON null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new ContractViolationException(type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
