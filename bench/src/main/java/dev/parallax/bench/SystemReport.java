package dev.parallax.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The system benchmark's report, in Markdown: each phase appends its section as it ends; a section written later
 * can go where its phase ran ({@link #mark()}, {@link #insert}).
 */
final class SystemReport {

    private final StringBuilder text = new StringBuilder();

    void append(CharSequence section) {
        text.append(section);
    }

    /** Where the report ends now, for {@link #insert}. */
    int mark() {
        return text.length();
    }

    void insert(int mark, String section) {
        text.insert(mark, section);
    }

    /** Writes the report to {@code file} and prints it on stdout. */
    void publish(Path file) throws IOException {
        Files.writeString(file, text.toString());
        System.out.println(text);
    }
}
