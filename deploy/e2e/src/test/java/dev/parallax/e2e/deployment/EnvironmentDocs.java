package dev.parallax.e2e.deployment;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environment variables deploy/README.md documents per app, the source of truth for them: in the section
 * "Environment variables", one table per app (a "### Coordinator" and an "### Agent" heading), each row naming its
 * variables in back-quotes in its first cell. A name ending in '*' documents every variable it begins.
 */
final class EnvironmentDocs {

    static final Path README = Repository.file("deploy/README.md");
    private static final String SECTION = "## Environment variables";
    private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]*\\*?)`");
    /** What Quarkus hands to every Kafka client: {@code kafka.*}, so {@code KAFKA_*} from the environment. */
    private static final String KAFKA_PREFIX = "KAFKA_";

    private final Map<App, Set<String>> documented;

    private EnvironmentDocs(Map<App, Set<String>> documented) {
        this.documented = documented;
    }

    static EnvironmentDocs read() {
        List<String> lines = Repository.read(README).lines().toList();
        int start = lines.indexOf(SECTION);
        if (start < 0) {
            throw new AssertionError(README + " has no section '" + SECTION + "'");
        }
        Map<App, Set<String>> documented = new EnumMap<>(App.class);
        App current = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("### ")) {
                String heading = line.substring(4).strip().toLowerCase(Locale.ROOT);
                current = Stream.of(App.values()).filter(app -> heading.equals(app.module)).findFirst().orElse(null);
                continue;
            }
            if (current != null && line.startsWith("|")) {
                String firstCell = line.substring(1).split("\\|", 2)[0];
                Matcher variables = VARIABLE.matcher(firstCell);
                while (variables.find()) {
                    documented.computeIfAbsent(current, app -> new TreeSet<>()).add(variables.group(1));
                }
            }
        }
        for (App app : App.values()) {
            if (!documented.containsKey(app)) {
                throw new AssertionError(README + ", '" + SECTION + "', has no table of variables under '"
                        + heading(app) + "'");
            }
        }
        return new EnvironmentDocs(documented);
    }

    /** The heading of an app's table. */
    static String heading(App app) {
        return "### " + app.module.substring(0, 1).toUpperCase(Locale.ROOT) + app.module.substring(1);
    }

    Set<String> of(App app) {
        return documented.get(app);
    }

    /** Whether a variable is documented for the app, by name or by a documented prefix ending in '*'. */
    boolean documents(App app, String variable) {
        return of(app).stream().anyMatch(doc -> doc.endsWith("*")
                ? variable.startsWith(doc.substring(0, doc.length() - 1))
                : doc.equals(variable));
    }

    /**
     * Whether a documented variable is one the app reads: a key of its code or properties, one of a documented
     * prefix's keys, or a Kafka client setting, which Quarkus passes from {@code KAFKA_*} to every client.
     */
    static boolean isRead(String documentedVariable, Set<String> variablesRead) {
        if (documentedVariable.endsWith("*")) {
            String prefix = documentedVariable.substring(0, documentedVariable.length() - 1);
            return variablesRead.stream().anyMatch(variable -> variable.startsWith(prefix));
        }
        return variablesRead.contains(documentedVariable) || isKafkaClientSetting(documentedVariable);
    }

    static boolean isKafkaClientSetting(String variable) {
        if (!variable.startsWith(KAFKA_PREFIX)) {
            return false;
        }
        String setting = variable.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        return ProducerConfig.configNames().contains(setting) || ConsumerConfig.configNames().contains(setting)
                || AdminClientConfig.configNames().contains(setting);
    }
}
