package dev.parallax.coordinator.database;

import java.util.List;

/** PostgreSQL array literals for native queries, bound as text and cast: {@code CAST(:x AS text[])}. */
public final class PgArrays {

    private PgArrays() {
    }

    public static String textArray(List<String> values) {
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            literal.append(i == 0 ? "" : ",").append('"')
                    .append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal.append('}').toString();
    }
}
