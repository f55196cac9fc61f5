package dev.parallax.e2e.deployment;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/prometheus/prometheus.yml as Prometheus reads it. Syntax only: the API key file it names exists only
 * where Prometheus runs. Tagged "tools": runs with -Ptools, and fails without promtool.
 */
@Tag("tools")
class PrometheusConfigTest {

    @Test
    void promtoolAcceptsTheScrapeConfig() {
        Tool promtool = Tool.onPath("promtool", "install promtool from the Debian package prometheus");

        assertThat(promtool.output(Repository.file("deploy/prometheus"), "check", "config", "--syntax-only",
                "prometheus.yml")).contains("SUCCESS");
    }
}
