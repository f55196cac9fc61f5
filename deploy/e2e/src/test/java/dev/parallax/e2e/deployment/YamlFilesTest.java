package dev.parallax.e2e.deployment;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every YAML file of the project (compose, Kubernetes, Prometheus, whatever comes next) is YAML. */
class YamlFilesTest {

    @Test
    void everyYamlFileInTheRepositoryParses() {
        List<Path> files = Repository.yamlFiles();
        assertThat(files).as("the YAML files found under " + Repository.root())
                .contains(Repository.file("docker-compose.yml"), Repository.file("deploy/k8s/base/kustomization.yaml"),
                        Repository.file("deploy/prometheus/parallax-alerts.yml"));

        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            try {
                assertThat(Repository.yamlDocuments(Repository.read(file))).as(file + " has a document").isNotEmpty();
            } catch (RuntimeException | AssertionError e) {
                broken.add(Repository.root().relativize(file) + ": " + e.getMessage());
            }
        }
        assertThat(broken).as("YAML files that do not parse").isEmpty();
    }
}
