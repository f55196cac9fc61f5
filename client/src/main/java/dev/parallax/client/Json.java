package dev.parallax.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads the API's JSON into the client's records by hand, field by field, from Jackson's tree: no data binding,
 * which would cost the CLI its start-up time in reflection. Absent and null fields read as null (or 0, false, an
 * empty list), so an answer with fields this client does not know still reads.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The body as JSON; an answer that is not JSON is the server's fault. */
    static JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.notJson(body);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body", e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    static int integer(JsonNode node, String field) {
        return node.path(field).asInt();
    }

    static Integer optionalInteger(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asInt() : null;
    }

    static long number(JsonNode node, String field) {
        return node.path(field).asLong();
    }

    static Long optionalNumber(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asLong() : null;
    }

    static boolean bool(JsonNode node, String field) {
        return node.path(field).asBoolean();
    }

    static UUID uuid(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : UUID.fromString(text);
    }

    static Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : Instant.parse(text);
    }

    static URI uri(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : URI.create(text);
    }

    static List<String> strings(JsonNode node, String field) {
        return list(node.path(field), JsonNode::asText);
    }

    static List<Integer> integers(JsonNode node, String field) {
        return list(node.path(field), JsonNode::asInt);
    }

    /** The elements of an array, each read by {@code reader}; empty for anything else. */
    static <T> List<T> list(JsonNode array, Function<JsonNode, T> reader) {
        List<T> items = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(item -> items.add(reader.apply(item)));
        }
        return List.copyOf(items);
    }

    /** The members of an object, each read by {@code reader}, in order; empty for anything else. */
    static <T> Map<String, T> map(JsonNode object, Function<JsonNode, T> reader) {
        Map<String, T> members = new LinkedHashMap<>();
        if (object.isObject()) {
            object.properties().forEach(member -> members.put(member.getKey(), reader.apply(member.getValue())));
        }
        return members;
    }
}
