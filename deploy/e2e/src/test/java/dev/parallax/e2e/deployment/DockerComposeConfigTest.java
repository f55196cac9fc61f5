package dev.parallax.e2e.deployment;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml as Docker Compose itself reads it ({@code docker-compose config}, which needs no engine).
 * Tagged "tools": runs with -Ptools, and fails without docker-compose.
 */
@Tag("tools")
class DockerComposeConfigTest {

    private static final String INSTALL = "install the Debian package docker-compose";

    @Test
    void dockerComposeAcceptsTheFile() {
        Tool compose = Tool.onPath("docker-compose", INSTALL);
        String resolved = compose.output(Repository.root(), "-f", "docker-compose.yml", "config");

        Map<String, Object> services = Repository.child(
                Repository.map(Repository.yamlDocuments(resolved).getFirst(), "docker-compose config"), "services");
        services.forEach((name, service) -> {
            if (App.named(name) != null) {
                assertThat(Repository.text(Repository.map(service, name), "healthcheck", "test"))
                        .as("the health check of " + name + " as compose resolved it").contains("/q/health/ready");
            }
        });
    }

    @Test
    void dockerComposeListsKafkaPostgresTheCoordinatorAndThreeAgents() {
        Tool compose = Tool.onPath("docker-compose", INSTALL);
        List<String> services = compose.output(Repository.root(), "-f", "docker-compose.yml", "config", "--services")
                .lines().map(String::strip).filter(line -> !line.isEmpty()).toList();

        assertThat(services).containsExactlyInAnyOrder("kafka", "postgres", "coordinator", "agent-eu-west",
                "agent-us-east", "agent-ap-south");
    }
}
