package dev.parallax.coordinator.result;

import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Port-by-port comparison of regions, without a server: pure logic. */
class RegionComparisonTest {

    private static final UUID CHECK = UUID.randomUUID();

    @Test
    void portSeenAlikeEverywhereIsConsistentAndOneSeenDifferentlyIsDivergent() {
        List<RegionResult> regions = List.of(region("eu-west", RegionStatus.DONE), region("us-east", RegionStatus.DONE));
        List<PortResult> ports = List.of(
                port("eu-west", "198.51.100.7", 443, PortState.OPEN),
                port("us-east", "198.51.100.7", 443, PortState.OPEN),
                port("eu-west", "198.51.100.7", 22, PortState.CLOSED),
                port("us-east", "198.51.100.7", 22, PortState.FILTERED));

        RegionComparison.Result result = RegionComparison.compare(regions, ports);

        assertThat(result.divergentPorts()).containsExactly(22);
        assertThat(result.ports()).extracting(RegionComparison.PortComparison::port).containsExactly(22, 443);
        assertThat(result.ports().get(1).verdict()).isEqualTo(RegionComparison.CONSISTENT);
        assertThat(result.ports().get(1).states().get(PortState.OPEN)).containsExactly("eu-west", "us-east");
        assertThat(result.ports().get(0).verdict()).isEqualTo(RegionComparison.DIVERGENT);
        assertThat(result.ports().get(0).states().get(PortState.CLOSED)).containsExactly("eu-west");
        assertThat(result.ports().get(0).states().get(PortState.FILTERED)).containsExactly("us-east");
        assertThat(result.summary())
                .isEqualTo("22 closed from eu-west; filtered from us-east. 443 open from eu-west, us-east.");
    }

    @Test
    void summaryGroupsAgreeingPortsAndNamesRegionsThatDidNotAnswer() {
        List<RegionResult> regions = List.of(region("eu-west", RegionStatus.DONE),
                region("ap-south", RegionStatus.UNAVAILABLE));
        List<PortResult> ports = new java.util.ArrayList<>();
        for (int port = 1; port <= 7; port++) {
            ports.add(port("eu-west", "198.51.100.7", port, PortState.OPEN));
        }

        assertThat(RegionComparison.compare(regions, ports).summary())
                .isEqualTo("1, 2, 3, 4, 5 and 2 more ports open from eu-west. No answer from ap-south.");
        assertThat(RegionComparison.compare(regions, List.of()).summary()).isEqualTo("No answer from ap-south.");
    }

    @Test
    void addressesOfOneRegionThatDisagreeMakeThePortDivergent() {
        List<RegionResult> regions = List.of(region("eu-west", RegionStatus.DONE));
        List<PortResult> ports = List.of(
                port("eu-west", "198.51.100.7", 443, PortState.OPEN),
                port("eu-west", "2001:db8::7", 443, PortState.FILTERED));

        RegionComparison.Result result = RegionComparison.compare(regions, ports);

        assertThat(result.divergentPorts()).containsExactly(443);
    }

    @Test
    void regionsWithoutAnswersAreListedApartAndDoNotCountAsDisagreement() {
        List<RegionResult> regions = List.of(region("eu-west", RegionStatus.DONE),
                region("ap-south", RegionStatus.UNAVAILABLE), region("us-east", RegionStatus.PENDING));
        List<PortResult> ports = List.of(port("eu-west", "198.51.100.7", 443, PortState.OPEN));

        RegionComparison.Result result = RegionComparison.compare(regions, ports);

        assertThat(result.divergentPorts()).isEmpty();
        assertThat(result.answered()).containsExactly("eu-west");
        assertThat(result.unanswered()).containsExactly("ap-south", "us-east");
    }

    @Test
    void aLocalErrorIsShownButIsNoDisagreement() {
        List<RegionResult> regions = List.of(region("eu-west", RegionStatus.DONE), region("us-east", RegionStatus.DONE));
        List<PortResult> ports = List.of(
                port("eu-west", "198.51.100.7", 443, PortState.OPEN),
                port("us-east", "198.51.100.7", 443, PortState.ERROR));

        RegionComparison.Result result = RegionComparison.compare(regions, ports);

        assertThat(result.divergentPorts()).isEmpty();
        assertThat(result.ports().getFirst().states().get(PortState.ERROR)).containsExactly("us-east");
    }

    private static RegionResult region(String name, RegionStatus status) {
        return new RegionResult(CHECK, name, status, null, null, List.of(), null, null, null, null, Instant.now());
    }

    private static PortResult port(String region, String address, int port, PortState state) {
        return new PortResult(CHECK, region, address, port, state, "x", 0, null);
    }
}
