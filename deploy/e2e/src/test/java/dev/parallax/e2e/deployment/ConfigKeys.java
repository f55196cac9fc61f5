package dev.parallax.e2e.deployment;

import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationValue;
import org.jboss.jandex.ClassInfo;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;
import org.jboss.jandex.MethodInfo;
import org.jboss.jandex.Type;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration keys an app reads, from its code: the {@code @ConfigMapping} interfaces and
 * {@code @ConfigProperty} injection points of its compiled classes, and every key its application.properties sets
 * outside a profile, the required ones it only names in a comment ({@code #parallax.agent.region=}) included.
 */
final class ConfigKeys {

    private static final DotName CONFIG_MAPPING = DotName.createSimple("io.smallrye.config.ConfigMapping");
    private static final DotName CONFIG_PROPERTY =
            DotName.createSimple("org.eclipse.microprofile.config.inject.ConfigProperty");
    private static final DotName WITH_NAME = DotName.createSimple("io.smallrye.config.WithName");
    private static final DotName WITH_PARENT_NAME = DotName.createSimple("io.smallrye.config.WithParentName");
    private static final Set<DotName> OPTIONALS = Set.of(DotName.createSimple("java.util.Optional"),
            DotName.createSimple("java.util.OptionalInt"), DotName.createSimple("java.util.OptionalLong"),
            DotName.createSimple("java.util.OptionalDouble"));
    private static final Set<DotName> COLLECTIONS = Set.of(DotName.createSimple("java.util.List"),
            DotName.createSimple("java.util.Set"), DotName.createSimple("java.util.Collection"));
    private static final DotName MAP = DotName.createSimple("java.util.Map");
    /** A key named in a comment, as the required ones are: '#' right before the key, no space. */
    private static final Pattern COMMENTED_KEY = Pattern.compile("^#([a-z][A-Za-z0-9_.\"-]*)=");

    private ConfigKeys() {
    }

    /** Every key the app reads, as written in properties ({@code parallax.checks.max-ports}). */
    static Set<String> of(App app) {
        Set<String> keys = new TreeSet<>(fromClasses(app));
        keys.addAll(fromProperties(app));
        return keys;
    }

    /** The environment variable Quarkus maps to a key: each character not a letter or digit becomes '_'. */
    static String environmentVariable(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static Set<String> fromClasses(App app) {
        Index index = index(app.classes());
        Set<String> keys = new TreeSet<>();
        for (AnnotationInstance mapping : index.getAnnotations(CONFIG_MAPPING)) {
            AnnotationValue strategy = mapping.value("namingStrategy");
            if (strategy != null && !strategy.asEnum().equals("KEBAB_CASE")) {
                throw new AssertionError(mapping.target() + " names its keys " + strategy.asEnum()
                        + ": teach ConfigKeys that naming strategy");
            }
            AnnotationValue prefix = mapping.value("prefix");
            addGroup(index, mapping.target().asClass(), prefix == null ? "" : prefix.asString(), keys);
        }
        for (AnnotationInstance property : index.getAnnotations(CONFIG_PROPERTY)) {
            AnnotationValue name = property.value("name");
            if (name == null || name.asString().isEmpty()) {
                throw new AssertionError("@ConfigProperty without a name at " + property.target()
                        + ": name the key, so that it can be documented");
            }
            keys.add(name.asString());
        }
        return keys;
    }

    private static void addGroup(Index index, ClassInfo group, String prefix, Set<String> keys) {
        for (DotName parent : group.interfaceNames()) {
            ClassInfo inherited = index.getClassByName(parent);
            if (inherited != null) {
                addGroup(index, inherited, prefix, keys);
            }
        }
        for (MethodInfo method : group.methods()) {
            if (method.parametersCount() > 0 || !Modifier.isAbstract(method.flags())
                    || Modifier.isStatic(method.flags())) {
                continue;
            }
            String key = join(prefix, name(method));
            Type type = method.returnType();
            if (type.kind() == Type.Kind.PARAMETERIZED_TYPE && OPTIONALS.contains(type.name())) {
                type = type.asParameterizedType().arguments().getFirst();
            }
            if (type.kind() == Type.Kind.PARAMETERIZED_TYPE && type.name().equals(MAP)) {
                throw new AssertionError(group.name() + "." + method.name() + "() maps keys of its own: teach "
                        + "ConfigKeys (and the documentation) how they are named");
            }
            if (type.kind() == Type.Kind.PARAMETERIZED_TYPE && COLLECTIONS.contains(type.name())) {
                Type element = type.asParameterizedType().arguments().getFirst();
                if (isGroup(index, element)) {
                    throw new AssertionError(group.name() + "." + method.name() + "() is a list of groups: teach "
                            + "ConfigKeys (and the documentation) their indexed keys");
                }
                keys.add(key);
            } else if (isGroup(index, type)) {
                addGroup(index, index.getClassByName(type.name()), key, keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static boolean isGroup(Index index, Type type) {
        if (type.kind() != Type.Kind.CLASS) {
            return false;
        }
        ClassInfo info = index.getClassByName(type.name());
        return info != null && info.isInterface();
    }

    private static String name(MethodInfo method) {
        if (method.hasDeclaredAnnotation(WITH_PARENT_NAME)) {
            return "";
        }
        AnnotationInstance withName = method.declaredAnnotation(WITH_NAME);
        return withName != null ? withName.value().asString() : kebab(method.name());
    }

    private static String join(String prefix, String name) {
        if (prefix.isEmpty()) {
            return name;
        }
        return name.isEmpty() ? prefix : prefix + "." + name;
    }

    /** SmallRye Config's default naming: maxPorts is max-ports. */
    static String kebab(String methodName) {
        return methodName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static Set<String> fromProperties(App app) {
        String text = Repository.read(app.applicationProperties());
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> keys = new TreeSet<>();
        properties.stringPropertyNames().stream().filter(key -> !key.startsWith("%")).forEach(keys::add);
        text.lines().map(String::strip).map(COMMENTED_KEY::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).forEach(keys::add);
        return keys;
    }

    private static Index index(Path classes) {
        if (!Files.isDirectory(classes)) {
            throw new AssertionError(classes + " is missing: build the app first (./mvnw package runs the modules "
                    + "this one depends on before it)");
        }
        Indexer indexer = new Indexer();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    indexer.index(in);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return indexer.complete();
    }
}
