package dev.parallax.e2e.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * What each fault test injected and what it counted, printed and appended to
 * {@code deploy/e2e/target/fault-report.md}, one table row per fault.
 */
final class FaultReport {

    private static final Path FILE = Path.of("target", "fault-report.md");

    private FaultReport() {
    }

    static synchronized void record(String fault, String injected, DeliveryAudit audit, String notes) {
        String row = "| " + fault + " | " + injected + " | " + audit.accepted() + " | " + audit.completed() + " | "
                + audit.lost() + " | " + audit.duplicated() + " | " + notes + " |";
        System.out.println("[fault] " + fault + ": injected " + injected + "; " + audit.line()
                + (notes.isEmpty() ? "" : "; " + notes));
        try {
            Files.createDirectories(FILE.getParent());
            if (!Files.exists(FILE)) {
                Files.writeString(FILE, "# Fault tests, " + Instant.now() + "\n\n"
                        + "| fault | injected | accepted | completed | lost | duplicated | notes |\n"
                        + "|---|---|---:|---:|---:|---:|---|\n");
            }
            Files.writeString(FILE, row + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
