package dev.parallax.e2e.deployment;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The repository's files as the deployment tests read them: its root, its YAML, and navigation in parsed YAML. */
final class Repository {

    /** Directories that hold build output or tools' state, not files of the project. */
    private static final Set<String> NOT_SOURCES = Set.of("target", ".git", "node_modules", ".mvn");

    private Repository() {
    }

    /** The root: the build's multi-module directory (surefire's parallax.repo.root), else found upwards. */
    static Path root() {
        String configured = System.getProperty("parallax.repo.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root above " + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every .yml and .yaml file of the project, build output left out. */
    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().matches(".*\\.ya?ml"))
                    .filter(file -> root().relativize(file).getParent() == null
                            || Stream.iterate(root().relativize(file).getParent(), p -> p != null, Path::getParent)
                            .noneMatch(dir -> NOT_SOURCES.contains(dir.getFileName().toString())))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML text (merge keys resolved), nulls of empty documents left out. */
    static List<Object> yamlDocuments(String text) {
        List<Object> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
            if (document != null) {
                documents.add(document);
            }
        }
        return documents;
    }

    static Map<String, Object> yamlMap(Path file) {
        return map(yamlDocuments(read(file)).getFirst(), file.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String what) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new AssertionError(what + " is not a mapping: " + node);
    }

    /** The mapping at {@code key}, empty when absent. */
    static Map<String, Object> child(Map<String, Object> node, String key) {
        Object value = node.get(key);
        return value == null ? Map.of() : map(value, key);
    }

    /** The list at {@code key}, empty when absent. */
    static List<Object> list(Map<String, Object> node, String key) {
        Object value = node.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return List.copyOf(items);
        }
        throw new AssertionError(key + " is not a list: " + value);
    }

    /** The mappings of the list at {@code key}. */
    static List<Map<String, Object>> maps(Map<String, Object> node, String key) {
        return list(node, key).stream().map(item -> map(item, key)).toList();
    }

    /** The scalar at a path of keys, as text; null when any step is absent. */
    static String text(Map<String, Object> node, String... path) {
        Object value = node;
        for (String key : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(key);
        }
        return value == null ? null : String.valueOf(value);
    }
}
