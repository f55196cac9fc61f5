package dev.parallax.e2e;

import dev.parallax.client.ApiResponse;
import dev.parallax.client.CheckAccepted;
import dev.parallax.client.Health;
import dev.parallax.client.ManagementClient;
import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;
import dev.parallax.testsupport.PrometheusText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.parallax.testsupport.PrometheusText.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged agents' health and metrics, on the whole stack: each agent is ready once its region's consumer group
 * gave it partitions of its jobs topic (two agents of a region share the partitions, disjoint and complete), is
 * live while its probe engine runs, and its /q/metrics counts the jobs and probes it did, under its region and id.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ObservabilityIT {

    private static final int JOB_PARTITIONS = 6;

    private static LocalStack stack;
    private static ParallaxClient api;

    @BeforeAll
    static void startStack() throws IOException {
        stack = E2eStacks.builder("observability")
                .regions(List.of("eu-west", "us-east"))
                .agents("eu-west", 2)
                .build()
                .start();
        api = ParallaxClient.of(stack.apiBaseUri());
    }

    @AfterAll
    static void stopStack() {
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoAgentsOfARegionAreReadyWithDisjointPartitionsThatCoverItsTopic() {
        List<String> agents = stack.agents("eu-west").ids();
        assertThat(agents).hasSize(2);
        // The group settles after both joined: until then one agent may hold every partition and the other none.
        await("both eu-west agents ready with the topic's partitions shared out").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    List<Integer> all = new ArrayList<>();
                    for (String agent : agents) {
                        Health.Check assigned = check(health(agent, "ready"), "region jobs topic assigned");
                        assertThat(assigned.status()).as(agent + " readiness").isEqualTo("UP");
                        assertThat(assigned.data().get("topic")).isEqualTo("parallax.jobs.eu-west");
                        all.addAll(partitions(assigned.data().get("partitions")));
                    }
                    assertThat(all).as("partitions of parallax.jobs.eu-west held by its agents")
                            .hasSize(JOB_PARTITIONS).doesNotHaveDuplicates();
                });
        String usEast = stack.agents("us-east").ids().getFirst();
        await("the only us-east agent holds every partition").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(partitions(check(health(usEast, "ready"), "region jobs topic assigned")
                        .data().get("partitions"))).hasSize(JOB_PARTITIONS));
    }

    @Test
    void everyAgentIsLiveWhileItsProbeEngineRuns() {
        for (String region : stack.regions()) {
            for (String agent : stack.agents(region).ids()) {
                Health live = health(agent, "live");
                assertThat(live.status()).as(agent + " liveness").isEqualTo("UP");
                assertThat(check(live, "probe engine").status()).isEqualTo("UP");
            }
        }
    }

    @Test
    void anAgentsMetricsCountItsJobsAndProbesUnderItsRegionAndId() throws Exception {
        String agent = stack.agents("us-east").ids().getFirst();
        Map<String, Double> before = PrometheusText.samples(metrics(agent));
        String tags = "agent=\"" + agent + "\",region=\"us-east\"";

        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int open = listener.getLocalPort();
            int closed = LoopbackPorts.released();
            CheckAccepted accepted = api.submitCheck("""
                    {"target": "127.0.0.1", "ports": [%d, %d], "regions": ["us-east"]}
                    """.formatted(open, closed)).value();
            CheckAnswers.awaitComplete(api, accepted.id(), Duration.ofSeconds(60), stack);
        }

        Map<String, Double> after = PrometheusText.samples(metrics(agent));
        assertThat(delta(before, after, "parallax_agent_jobs_total{" + tags + ",status=\"DONE\"}"))
                .as("jobs answered DONE").isEqualTo(1);
        assertThat(delta(before, after, "parallax_agent_probes_total{" + tags + ",state=\"OPEN\"}")).isEqualTo(1);
        assertThat(delta(before, after, "parallax_agent_probes_total{" + tags + ",state=\"CLOSED\"}")).isEqualTo(1);
        assertThat(delta(before, after, "parallax_agent_job_duration_seconds_count{" + tags + "}")).isEqualTo(1);
        assertThat(value(after, "parallax_agent_probes_in_flight{" + tags + "}")).as("sockets connecting now")
                .isZero();
        assertThat(value(after, "parallax_agent_jobs_in_progress{" + tags + "}")).isZero();
        assertThat(after.keySet()).as("the jobs consumer's lag, from the Kafka client")
                .anyMatch(series -> series.startsWith("kafka_consumer_fetch_manager_records_lag")
                        && series.contains("client_id=\"kafka-consumer-jobs\""));
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return value(after, series) - before.getOrDefault(series, 0.0);
    }

    private static List<Integer> partitions(String text) {
        String inner = text.replace("[", "").replace("]", "").strip();
        List<Integer> partitions = new ArrayList<>();
        if (!inner.isEmpty()) {
            for (String number : inner.split(",")) {
                partitions.add(Integer.parseInt(number.strip()));
            }
        }
        return partitions;
    }

    /** The named check of a health answer, failing with the answer when it has none of that name. */
    private static Health.Check check(Health health, String name) {
        return health.check(name).orElseThrow(() -> new AssertionError("no health check '" + name + "' in "
                + health));
    }

    /** An agent's health of this kind; one that does not answer fails as an assertion, to be tried again. */
    private static Health health(String agent, String kind) {
        try (ManagementClient management = management(agent)) {
            return management.health(kind);
        } catch (RuntimeException e) {
            throw new AssertionError("health of " + agent + ": " + e, e);
        }
    }

    /** The agent's /q/metrics in the Prometheus text format (0.0.4). */
    private static String metrics(String agent) {
        try (ManagementClient management = management(agent)) {
            ApiResponse<String> answer = management.metrics();
            assertThat(answer.status()).as("/q/metrics of " + agent).isEqualTo(200);
            assertThat(answer.header("Content-Type").orElse("")).startsWith("text/plain");
            return answer.body();
        }
    }

    /** An agent serves health and metrics on its HTTP port. */
    private static ManagementClient management(String agent) {
        return new ManagementClient(URI.create("http://127.0.0.1:" + stack.agent(agent).httpPort()));
    }
}
