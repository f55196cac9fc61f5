package dev.parallax.e2e.deployment;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.parallax.e2e.deployment.Kubernetes.containers;
import static dev.parallax.e2e.deployment.Kubernetes.kind;
import static dev.parallax.e2e.deployment.Kubernetes.name;
import static dev.parallax.e2e.deployment.Repository.child;
import static dev.parallax.e2e.deployment.Repository.map;
import static dev.parallax.e2e.deployment.Repository.maps;
import static dev.parallax.e2e.deployment.Repository.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s as kubectl renders it ({@code kubectl kustomize}, offline): the coordinator's base, the agents' common
 * part and every region's overlay. Tagged "tools": runs with -Ptools, and fails without kubectl.
 */
@Tag("tools")
class KustomizeTest {

    private static final Path K8S = Repository.file("deploy/k8s");
    /** Variables whose values are credentials: from a Secret, never written in a manifest. */
    private static final Pattern CREDENTIAL = Pattern.compile(".*(PASSWORD|JAAS|KEY|SECRET|TOKEN|USERNAME).*");

    /** The objects a kustomization renders to. */
    static List<Map<String, Object>> render(String directory) {
        Tool kubectl = Tool.onPath("kubectl", "install kubectl 1.27 or newer, whose kustomize (v5) reads these files");
        Tool.Run run = kubectl.run(Repository.root(), "kustomize", K8S.resolve(directory).toString());
        assertThat(run.exitCode()).as("kubectl kustomize deploy/k8s/" + directory + " (kustomize v5, kubectl 1.27 "
                + "or newer, reads these files) exited " + run.exitCode() + ":\n" + run.stderr()).isZero();
        return Repository.yamlDocuments(run.stdout()).stream().map(object -> map(object, directory)).toList();
    }

    static List<String> regions() {
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            return overlays.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> ofKind = objects.stream().filter(object -> kind(object).equals(kind)).toList();
        assertThat(ofKind).as(kind + " objects").hasSize(1);
        return ofKind.getFirst();
    }

    /** What a Deployment's container gets: its ConfigMap's data (envFrom), then its own env (values or sources). */
    private static Map<String, Object> environment(List<Map<String, Object>> objects,
            Map<String, Object> container) {
        Map<String, Object> environment = new LinkedHashMap<>();
        for (Map<String, Object> source : maps(container, "envFrom")) {
            String configMap = text(source, "configMapRef", "name");
            assertThat(configMap).as("envFrom names a ConfigMap (Secrets are named variable by variable)")
                    .isNotNull();
            Map<String, Object> rendered = objects.stream()
                    .filter(object -> kind(object).equals("ConfigMap") && name(object).equals(configMap))
                    .findFirst().orElseThrow(() -> new AssertionError("no rendered ConfigMap " + configMap));
            environment.putAll(child(rendered, "data"));
        }
        for (Map<String, Object> env : maps(container, "env")) {
            environment.put(String.valueOf(env.get("name")), env.containsKey("valueFrom")
                    ? child(env, "valueFrom") : env.get("value"));
        }
        return environment;
    }

    @Test
    void theBaseRendersTheCoordinatorWithItsServiceConfigurationAndDisruptionBudget() {
        List<Map<String, Object>> objects = render("base");

        assertThat(objects.stream().map(Kubernetes::kind)).containsExactlyInAnyOrder("ConfigMap", "Deployment",
                "Service", "PodDisruptionBudget");
        Map<String, Object> deployment = only(objects, "Deployment");
        assertThat(name(deployment)).isEqualTo("parallax-coordinator");
        assertThat(Integer.parseInt(text(deployment, "spec", "replicas"))).as("coordinator replicas")
                .isGreaterThanOrEqualTo(2);
        assertThat(text(only(objects, "Service"), "spec", "ports")).contains("port=" + DockerComposeTest
                .httpPort(App.COORDINATOR));
        assertThat(text(only(objects, "PodDisruptionBudget"), "spec", "minAvailable")).isEqualTo("1");
    }

    @Test
    void eachRegionsOverlayRendersAgentsOfThatRegion() {
        for (String region : regions()) {
            List<Map<String, Object>> objects = render("overlays/" + region);

            assertThat(objects.stream().map(Kubernetes::kind)).as(region).containsExactlyInAnyOrder("ConfigMap",
                    "Deployment", "PodDisruptionBudget", "NetworkPolicy");
            objects.forEach(object -> assertThat(name(object)).as(region + ": a name of its own")
                    .startsWith("parallax-agent-" + region));
            Map<String, Object> deployment = only(objects, "Deployment");
            assertThat(environment(objects, containers(deployment).getFirst()))
                    .as(region + ": the agents' variables").containsEntry("PARALLAX_AGENT_REGION", region);
            assertThat(child(child(deployment, "spec"), "selector").toString()).as(region + ": the selector")
                    .contains("parallax.dev/region=" + region);
            assertThat(text(only(objects, "PodDisruptionBudget"), "spec", "selector", "matchLabels",
                    "parallax.dev/region")).as(region + ": the disruption budget's selector").isEqualTo(region);
        }
    }

    @Test
    void theAgentsCommonPartNamesNoRegion() {
        List<Map<String, Object>> objects = render("agent");

        Map<String, Object> deployment = only(objects, "Deployment");
        assertThat(environment(objects, containers(deployment).getFirst())).as("deploy/k8s/agent: each overlay "
                + "gives the region").doesNotContainKey("PARALLAX_AGENT_REGION");
    }

    @Test
    void theOverlaysAreTheRegionsTheCoordinatorKnows() {
        List<Map<String, Object>> objects = render("base");
        Object known = environment(objects, containers(only(objects, "Deployment")).getFirst())
                .get("PARALLAX_REGIONS_KNOWN");

        assertThat(Set.of(String.valueOf(known).split(","))).as("PARALLAX_REGIONS_KNOWN against deploy/k8s/overlays")
                .containsExactlyInAnyOrderElementsOf(regions());
    }

    @Test
    void everyAppReachesKafkaOverTlsWithSaslCredentialsFromASecret() {
        Map<String, List<Map<String, Object>>> renders = new LinkedHashMap<>();
        renders.put("base", render("base"));
        regions().forEach(region -> renders.put("overlays/" + region, render("overlays/" + region)));

        renders.forEach((directory, objects) -> {
            Map<String, Object> deployment = only(objects, "Deployment");
            Map<String, Object> pod = child(child(deployment, "spec"), "template");
            Map<String, Object> container = containers(deployment).getFirst();
            Map<String, Object> environment = environment(objects, container);
            assertThat(environment).as(directory).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsKeys("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SASL_MECHANISM", "KAFKA_SSL_TRUSTSTORE_LOCATION");
            assertThat(text(map(environment.get("KAFKA_SASL_JAAS_CONFIG"), directory), "secretKeyRef", "name"))
                    .as(directory + ": the SASL login comes from a Secret").isNotNull();
            if (directory.startsWith("overlays/")) {
                assertThat(text(map(environment.get("KAFKA_SASL_JAAS_CONFIG"), directory), "secretKeyRef", "name"))
                        .as(directory + ": the region's own Kafka principal")
                        .contains(directory.substring("overlays/".length()));
            }
            String truststore = String.valueOf(environment.get("KAFKA_SSL_TRUSTSTORE_LOCATION"));
            Map<String, Object> mount = maps(container, "volumeMounts").stream()
                    .filter(candidate -> truststore.startsWith(candidate.get("mountPath") + "/"))
                    .findFirst().orElseThrow(() -> new AssertionError(directory + ": no volume mounted where "
                            + "KAFKA_SSL_TRUSTSTORE_LOCATION points: " + truststore));
            assertThat(maps(child(pod, "spec"), "volumes").stream()
                    .filter(volume -> volume.get("name").equals(mount.get("name")))
                    .map(volume -> text(volume, "secret", "secretName")).findFirst().orElse(null))
                    .as(directory + ": the brokers' CA comes from a Secret").isNotNull();
        });
    }

    @Test
    void credentialsComeFromSecretsAndNeverAppearInTheManifests() {
        for (String directory : Stream.concat(Stream.of("base", "agent"),
                regions().stream().map(region -> "overlays/" + region)).toList()) {
            List<Map<String, Object>> objects = render(directory);

            assertThat(objects.stream().map(Kubernetes::kind)).as(directory + ": Secrets are created by hand")
                    .doesNotContain("Secret");
            objects.stream().filter(object -> kind(object).equals("ConfigMap"))
                    .forEach(configMap -> assertThat(child(configMap, "data").keySet())
                            .as(directory + ": credentials in ConfigMap " + name(configMap))
                            .noneMatch(key -> CREDENTIAL.matcher(key).matches()));
            objects.stream().filter(object -> kind(object).equals("Deployment"))
                    .flatMap(deployment -> containers(deployment).stream())
                    .flatMap(container -> maps(container, "env").stream())
                    .filter(env -> CREDENTIAL.matcher(String.valueOf(env.get("name"))).matches())
                    .forEach(env -> assertThat(text(env, "valueFrom", "secretKeyRef", "name"))
                            .as(directory + ": " + env.get("name") + " from a Secret").isNotNull());
        }
    }

    @Test
    void theAppsRunAsNonRootWithProbesResourcesAndScrapeAnnotations() {
        for (String directory : Stream.concat(Stream.of("base"),
                regions().stream().map(region -> "overlays/" + region)).toList()) {
            Map<String, Object> deployment = only(render(directory), "Deployment");
            App app = App.named(name(deployment));
            String port = String.valueOf(DockerComposeTest.httpPort(app));
            String healthPort = String.valueOf(DockerComposeTest.healthPort(app));
            Map<String, Object> pod = child(child(deployment, "spec"), "template");
            Map<String, Object> container = containers(deployment).getFirst();

            assertThat(text(pod, "spec", "securityContext", "runAsNonRoot")).as(directory).isEqualTo("true");
            assertThat(text(container, "securityContext", "allowPrivilegeEscalation")).as(directory)
                    .isEqualTo("false");
            assertThat(text(container, "securityContext", "readOnlyRootFilesystem")).as(directory).isEqualTo("true");
            Map<String, String> ports = new TreeMap<>();
            maps(container, "ports").forEach(p -> ports.put(String.valueOf(p.get("name")),
                    String.valueOf(p.get("containerPort"))));
            assertThat(ports.values()).as(directory + ": the app's HTTP port and its health port")
                    .containsExactlyInAnyOrderElementsOf(new TreeSet<>(List.of(port, healthPort)));
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                if (!child(container, probe).isEmpty()) {
                    assertThat(ports.get(text(container, probe, "httpGet", "port")))
                            .as(directory + ": the port " + probe + " asks").isEqualTo(healthPort);
                }
            }
            assertThat(text(container, "readinessProbe", "httpGet", "path")).as(directory)
                    .isEqualTo("/q/health/ready");
            assertThat(text(container, "livenessProbe", "httpGet", "path")).as(directory).isEqualTo("/q/health/live");
            assertThat(text(container, "resources", "requests", "memory")).as(directory + ": memory request")
                    .isNotNull();
            assertThat(text(container, "resources", "limits", "memory")).as(directory + ": memory limit").isNotNull();
            assertThat(text(pod, "metadata", "annotations", "prometheus.io/port")).as(directory)
                    .isEqualTo(healthPort);
            assertThat(text(pod, "metadata", "annotations", "prometheus.io/path")).as(directory)
                    .isEqualTo("/q/metrics");
        }
    }

    @Test
    void everyVariableTheRenderedAppsGetIsDocumented() {
        Map<App, Set<String>> set = new EnumMap<>(App.class);
        for (String directory : Stream.concat(Stream.of("base"),
                regions().stream().map(region -> "overlays/" + region)).toList()) {
            List<Map<String, Object>> objects = render(directory);
            Map<String, Object> deployment = only(objects, "Deployment");
            set.computeIfAbsent(App.named(name(deployment)), any -> new TreeSet<>())
                    .addAll(environment(objects, containers(deployment).getFirst()).keySet());
        }
        EnvironmentVariablesTest.assertDocumented(set, "the rendered manifests");
    }
}
