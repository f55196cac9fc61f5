package dev.parallax.common.contract;

import dev.parallax.common.targeting.PortSet;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire contract survives a JSON round trip unchanged, and a broken message is refused with a reason. */
class WireJsonTest {

    private static final UUID CHECK = UUID.fromString("0a4c1d7e-5f3b-4f53-9a43-0a8f8e6f2d11");

    @Test
    void probeJobRoundTripsWithCompactPortsAndIsoInstants() {
        ProbeJob job = new ProbeJob(CHECK, "eu-west", "example.com", PortSet.parse("22,443,8000-8010"), 2000,
                IpFamily.IPV6, Instant.parse("2026-11-26T10:00:00Z"), Instant.parse("2026-11-26T10:00:32Z"));

        String json = WireJson.write(job);

        assertThat(json).contains("\"ports\":\"22,443,8000-8010\"").contains("\"ipFamily\":\"ipv6\"")
                .contains("\"deadline\":\"2026-11-26T10:00:32Z\"");
        assertThat(WireJson.read(json, ProbeJob.class)).isEqualTo(job);
    }

    @Test
    void probeVerdictRoundTripsWithNmapReasonNames() {
        ProbeVerdict verdict = new ProbeVerdict(UUID.randomUUID(), CHECK, "us-east", "us-east-1", RegionStatus.DONE,
                null, List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"), 1234,
                List.of(PortVerdict.of("93.184.215.14", 443, Reason.SYN_ACK, 24_100),
                        PortVerdict.of("93.184.215.14", 22, Reason.NO_RESPONSE, 2_000_000),
                        PortVerdict.error("93.184.215.14", 25, 3, "Cannot assign requested address")),
                Instant.parse("2026-11-26T10:00:01Z"), Instant.parse("2026-11-26T10:00:03Z"));

        String json = WireJson.write(verdict);

        assertThat(json).contains("\"reason\":\"syn-ack\"").contains("\"reason\":\"no-response\"")
                .contains("\"state\":\"ERROR\"");
        assertThat(WireJson.read(json, ProbeVerdict.class)).isEqualTo(verdict);
    }

    @Test
    void notJsonIsAContractViolation() {
        assertThatThrownBy(() -> WireJson.read("{not json", ProbeJob.class))
                .isInstanceOf(ContractViolationException.class).hasMessageStartingWith("ProbeJob: ");
    }

    @Test
    void unknownFieldFromANewerProducerIsIgnored() {
        ProbeJob job = new ProbeJob(CHECK, "eu-west", "example.com", PortSet.of(443), 2000, null,
                Instant.EPOCH, Instant.EPOCH);
        String json = WireJson.write(job).replace("{", "{\"addedLater\":{\"x\":1},");

        assertThat(WireJson.read(json, ProbeJob.class)).isEqualTo(job);
    }

    @Test
    void jsonNullIsAContractViolation() {
        assertThatThrownBy(() -> WireJson.read("null", ProbeVerdict.class))
                .isInstanceOf(ContractViolationException.class).hasMessageContaining("null");
    }

    @Test
    void missingRequiredFieldIsAContractViolation() {
        assertThatThrownBy(() -> WireJson.read("{\"checkId\":\"" + CHECK + "\"}", ProbeVerdict.class))
                .isInstanceOf(ContractViolationException.class);
    }

    @Test
    void reasonThatContradictsTheStateIsRefused() {
        assertThatThrownBy(() -> new PortVerdict("192.0.2.1", 80, PortState.OPEN, Reason.CONN_REFUSED, 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conn-refused");
        String json = WireJson.write(PortVerdict.of("192.0.2.1", 80, Reason.SYN_ACK, 5))
                .replace("\"OPEN\"", "\"CLOSED\"");
        assertThatThrownBy(() -> WireJson.read(json, PortVerdict.class)).isInstanceOf(ContractViolationException.class);
    }

    @Test
    void agentCannotClaimTheCoordinatorsStatuses() {
        assertThatThrownBy(() -> new ProbeVerdict(UUID.randomUUID(), CHECK, "eu-west", "a", RegionStatus.UNAVAILABLE,
                null, List.of(), 0, List.of(), Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void portVerdictsOnlyComeWithDone() {
        assertThatThrownBy(() -> new ProbeVerdict(UUID.randomUUID(), CHECK, "eu-west", "a", RegionStatus.BLOCKED,
                "10.0.0.1 is blocked", List.of(), 0, List.of(PortVerdict.of("10.0.0.1", 80, Reason.SYN_ACK, 1)),
                Instant.EPOCH, Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void regionNamesFitTopicNames() {
        assertThat(Topics.jobs("eu-west")).isEqualTo("parallax.jobs.eu-west");
        assertThatThrownBy(() -> Topics.jobs("EU West")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topics.jobs("a.b")).isInstanceOf(IllegalArgumentException.class);
    }
}
