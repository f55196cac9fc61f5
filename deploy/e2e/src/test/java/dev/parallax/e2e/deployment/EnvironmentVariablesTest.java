package dev.parallax.e2e.deployment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The environment variables of deploy/README.md against the code, both ways, and against what docker-compose.yml
 * and the Kubernetes manifests set: a key the code reads but the table lacks fails, and so does a documented
 * variable nothing reads. Each failure names the variable and its key.
 */
class EnvironmentVariablesTest {

    @Test
    void theKeysAreDerivedFromMappingsInjectionPointsAndProperties() {
        assertThat(ConfigKeys.fromClasses(App.COORDINATOR)).as("the coordinator's keys from its classes").contains(
                "parallax.checks.max-ports", "parallax.regions.known", "parallax.auth.anonymous.requests-per-second",
                "parallax.outbox.publish-delay-after-commit");
        assertThat(ConfigKeys.fromClasses(App.AGENT)).as("the agent's keys from its classes")
                .contains("parallax.agent.region", "parallax.agent.dns.servers", "parallax.targets.allow");
        assertThat(ConfigKeys.fromProperties(App.AGENT)).as("the agent's application.properties")
                .contains("parallax.agent.region", "quarkus.http.port", "kafka.bootstrap.servers")
                .noneMatch(key -> key.startsWith("%"));
        assertThat(ConfigKeys.environmentVariable("quarkus.datasource.jdbc.url"))
                .isEqualTo("QUARKUS_DATASOURCE_JDBC_URL");
    }

    @ParameterizedTest
    @EnumSource(App.class)
    void everyKeyTheAppReadsIsDocumentedAsAnEnvironmentVariable(App app) {
        EnvironmentDocs docs = EnvironmentDocs.read();
        List<String> undocumented = ConfigKeys.of(app).stream()
                .filter(key -> !docs.documents(app, ConfigKeys.environmentVariable(key)))
                .map(key -> ConfigKeys.environmentVariable(key) + " (" + key + ")")
                .toList();
        assertThat(undocumented).as("variables the " + app.module + " reads that " + EnvironmentDocs.README
                + " does not list under '" + EnvironmentDocs.heading(app) + "'").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(App.class)
    void everyDocumentedVariableIsReadByItsApp(App app) {
        Set<String> read = ConfigKeys.of(app).stream().map(ConfigKeys::environmentVariable)
                .collect(Collectors.toSet());
        List<String> unread = EnvironmentDocs.read().of(app).stream()
                .filter(variable -> !EnvironmentDocs.isRead(variable, read))
                .toList();
        assertThat(unread).as("variables " + EnvironmentDocs.README + " lists for the " + app.module
                + " that neither its code, its application.properties nor the Kafka clients read").isEmpty();
    }

    @Test
    void everyVariableDockerComposeSetsForTheAppsIsDocumented() {
        Map<App, Set<String>> set = new EnumMap<>(App.class);
        DockerComposeTest.services().forEach((name, service) -> {
            App app = App.named(name);
            if (app != null) {
                set.computeIfAbsent(app, any -> new TreeSet<>())
                        .addAll(DockerComposeTest.environment(Repository.map(service, name)).keySet());
            }
        });
        assertThat(set).as("apps docker-compose.yml runs").containsOnlyKeys(App.values());
        assertDocumented(set, "docker-compose.yml");
    }

    @Test
    void everyVariableTheKubernetesManifestsSetForTheAppsIsDocumented() {
        Map<App, Set<String>> set = new EnumMap<>(App.class);
        for (Path file : Repository.yamlFiles()) {
            if (file.startsWith(Repository.file("deploy/k8s"))) {
                for (Object document : Repository.yamlDocuments(Repository.read(file))) {
                    Kubernetes.variablesSet(Repository.map(document, file.toString()))
                            .forEach((app, variables) -> set.computeIfAbsent(app, any -> new TreeSet<>())
                                    .addAll(variables));
                }
            }
        }
        assertThat(set).as("apps the manifests under deploy/k8s configure").containsOnlyKeys(App.values());
        assertDocumented(set, "deploy/k8s");
    }

    static void assertDocumented(Map<App, Set<String>> set, String where) {
        EnvironmentDocs docs = EnvironmentDocs.read();
        set.forEach((app, variables) -> assertThat(variables.stream()
                .filter(variable -> !docs.documents(app, variable)).toList())
                .as("variables " + where + " sets for the " + app.module + " that " + EnvironmentDocs.README
                        + " does not list under '" + EnvironmentDocs.heading(app) + "'")
                .isEmpty());
    }
}
