package dev.parallax.coordinator.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.parallax.common.targeting.InvalidTargetException;

import java.math.BigInteger;
import java.util.Collection;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What was wrong with a JSON body, said in JSON's terms: "ports must be a list", never the Java type the body was
 * being read into, which Jackson's own messages name ({@code java.lang.String}, our records' class names).
 */
final class JsonErrors {

    /** A qualified Java class name, e.g. java.lang.String or dev.parallax.common.targeting.PortSet. */
    private static final Pattern JAVA_TYPE = Pattern.compile("`?\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*`?");
    /** Jackson's advice about its own settings: "(from `StreamReadConstraints…`)", "enable `JsonReadFeature…`". */
    private static final Pattern JACKSON_ADVICE = Pattern.compile(
            "\\s*\\([^()]*`[^`]*`[^()]*\\)|:?\\s*(?:enable|set|use)\\s+`[^`]*`[^;.]*|`[^`]*`");
    private static final int MAX_DETAIL = 300;

    private JsonErrors() {
    }

    /** The problem a body gets: malformed ({@code field} empty) or one field with the wrong content. */
    record Described(boolean malformed, String field, String message) {
    }

    static Described describe(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? path(mapping) : "";
        if (!(e instanceof JsonMappingException)) {
            return new Described(true, "", "the request body is not valid JSON: " + scrub(e.getOriginalMessage()));
        }
        if (e instanceof MismatchedInputException mismatched) {
            if (String.valueOf(mismatched.getOriginalMessage()).startsWith("Trailing token")) {
                return new Described(true, "", "the request body must be one JSON document with nothing after it");
            }
            if (field.isEmpty()) {
                return new Described(false, "", "the request body must be a JSON object");
            }
            String expected = jsonType(mismatched.getTargetType());
            if (mismatched instanceof InvalidFormatException invalid && invalid.getValue() != null) {
                Object value = invalid.getValue();
                String shown = value instanceof String text ? "'" + scrub(text) + "'" : scrub(String.valueOf(value));
                return new Described(false, field, "must be " + expected + "; got " + shown);
            }
            return new Described(false, field, "must be " + expected);
        }
        Throwable cause = e.getCause();
        if (cause instanceof InputCoercionException) {
            return new Described(false, field, "is a number out of range");
        }
        if (cause instanceof InvalidTargetException || cause instanceof IllegalArgumentException) {
            return new Described(false, field, scrub(cause.getMessage()));
        }
        return new Described(false, field, "has a value that cannot be read");
    }

    /** The JSON a value of this Java type is read from. */
    static String jsonType(Class<?> type) {
        if (type == null || type == Object.class) {
            return "a JSON value";
        }
        if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class
                || type.isEnum()) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class || type == Byte.class || type == byte.class
                || type == BigInteger.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    /** The first line of a message, without Java type names, at most a few hundred characters. */
    static String scrub(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        line = JAVA_TYPE.matcher(line).replaceAll("a value");
        line = JACKSON_ADVICE.matcher(line).replaceAll("");
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }

    static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
