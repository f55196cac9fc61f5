package dev.parallax.e2e;

import dev.parallax.client.ApiResponse;
import dev.parallax.client.Check;
import dev.parallax.client.CheckAccepted;
import dev.parallax.client.ParallaxClient;
import dev.parallax.local.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.parallax.e2e.CheckAnswers.portState;
import static dev.parallax.e2e.CheckAnswers.region;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path on real parts: the packaged coordinator and two packaged agents as processes, a real Kafka
 * broker process and PostgreSQL. A check of a port this test listens on and a port it just released, both on
 * loopback, must come back OPEN and CLOSED from both regions.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WalkingSkeletonIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static LocalStack stack;
    private static ParallaxClient api;

    @BeforeAll
    static void startStack() throws IOException {
        stack = E2eStacks.builder("stack")
                .regions(List.of("eu-west", "us-east"))
                // Short, so a region without an agent ends within this test's patience.
                .coordinatorProperties(Map.of("parallax.checks.deadline-grace", "PT8S"))
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
    void checkFromTwoRegionsSeesTheOpenAndTheClosedPort() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            int open = listener.getLocalPort();
            int closed = LoopbackPorts.released();

            CheckAccepted accepted = api.submitCheck("""
                    {"target": "127.0.0.1", "ports": [%d, %d], "regions": ["eu-west", "us-east"], "timeoutMs": 1000}
                    """.formatted(open, closed)).value();
            Check check = CheckAnswers.awaitComplete(api, accepted.id(), Duration.ofSeconds(60), stack);

            assertThat(check.regions()).as("regions in %s", check).hasSize(2);
            List<String> agents = new ArrayList<>();
            for (Check.Region region : check.regions()) {
                String name = region.region();
                assertThat(region.status()).as("status of %s in %s", name, check).isEqualTo("DONE");
                assertThat(region.resolvedAddresses().getFirst()).isEqualTo("127.0.0.1");
                agents.add(region.agentId());
                assertThat(portState(region, open)).as("%s sees the listening port", name).isEqualTo("OPEN/syn-ack");
                assertThat(portState(region, closed)).as("%s sees the released port", name)
                        .isIn("CLOSED/conn-refused", "CLOSED/self-connect");
            }
            assertThat(agents).as("one agent per region answered").doesNotHaveDuplicates()
                    .allSatisfy(agent -> assertThat(agent).isNotBlank());
            assertThat(check.comparison().divergentPorts()).as("both regions agree").isEmpty();
            assertThat(check.comparison().ports().getFirst().verdict()).isEqualTo("consistent");
        }
    }

    @Test
    void regionWhoseAgentIsDownEndsUnavailableAndTheCheckStillCompletes() throws Exception {
        stack.agents("us-east").stop();
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            CheckAccepted accepted = api.submitCheck("""
                    {"target": "127.0.0.1", "ports": [%d], "regions": ["eu-west", "us-east"], "timeoutMs": 500}
                    """.formatted(listener.getLocalPort())).value();

            Check check = CheckAnswers.awaitComplete(api, accepted.id(), Duration.ofSeconds(60), stack);

            assertThat(region(check, "eu-west").status()).isEqualTo("DONE");
            assertThat(region(check, "us-east").status()).as("region without an agent in %s", check)
                    .isEqualTo("UNAVAILABLE");
        } finally {
            stack.agents("us-east").start();
        }
    }

    @Test
    void everyRegionReportsItsLiveAgentThroughHeartbeats() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until && (api.liveAgents("eu-west") < 1 || api.liveAgents("us-east") < 1)) {
            Thread.sleep(500);
        }
        var regions = api.regions().value();
        assertThat(api.liveAgents("eu-west")).as("live agents of eu-west in %s", regions).isEqualTo(1);
        assertThat(api.liveAgents("us-east")).as("live agents of us-east in %s", regions).isEqualTo(1);

        ApiResponse<CheckAccepted> accepted = api.submitCheck("{\"target\": \"127.0.0.1\", \"ports\": [9]}");
        assertThat(accepted.status()).as("submit answer: %s", accepted.body()).isEqualTo(202);
        assertThat(accepted.value().regions()).as("regions omitted: every live one")
                .containsExactly("eu-west", "us-east");
    }
}
