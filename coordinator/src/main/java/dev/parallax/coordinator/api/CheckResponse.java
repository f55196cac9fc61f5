package dev.parallax.coordinator.api;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.check.CheckStatus;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.UUID;

/** Body of {@code GET /api/v1/checks/{id}}: the check, each region's answer, and how the regions compare. */
@Schema(description = "A check: what was asked, each region's answer, and how the regions compare.")
public record CheckResponse(
        @Schema(description = ApiDocumentation.CHECK_ID) UUID id,
        @Schema(description = ApiDocumentation.CHECK_STATUS) CheckStatus status,
        @Schema(description = "The target, normalised (an internationalised name as A-labels).",
                examples = "shop.example.com") String target,
        @Schema(description = ApiDocumentation.CHECK_PORTS, examples = "25,80,443") String ports,
        @Schema(description = "The connect deadline of each probe, in milliseconds.", examples = "2000")
        int timeoutMs,
        @Schema(description = "Which resolved addresses are probed.") IpFamily ipFamily,
        @Schema(description = ApiDocumentation.CREATED_AT) Instant createdAt,
        @Schema(description = ApiDocumentation.DEADLINE) Instant deadline,
        @Schema(description = "When the last region ended; null until the check is `COMPLETE`.") Instant completedAt,
        @Schema(description = "Each region's answer, by region name.") List<Region> regions,
        @Schema(description = "How the regions that answered compare, port by port.") Comparison comparison) {

    /** One region's answer. */
    @Schema(name = "CheckRegion", description = "One region's answer; also the `data` of a `region` event.")
    public record Region(
            @Schema(description = ApiDocumentation.REGION_NAME, examples = "eu-west") String region,
            @Schema(description = ApiDocumentation.REGION_STATUS) RegionStatus status,
            @Schema(description = "The agent that answered; null until one did.", examples = "eu-west-1")
            String agentId,
            @Schema(description = "Why the region ended other than `DONE`, e.g. `no-live-agent: …` or `no verdict "
                    + "by the deadline`; null otherwise.") String message,
            @Schema(description = "The addresses the agent's DNS gave for the target (of the requested family); "
                    + "the target itself for an IP literal.", examples = "[\"203.0.113.10\"]")
            List<String> resolvedAddresses,
            @Schema(description = "How long the lookup took at the agent, in microseconds; null until it answered.")
            Long resolveMicros,
            @Schema(description = "When the agent started probing; null until it answered.") Instant startedAt,
            @Schema(description = "When the agent finished; null until it answered.") Instant finishedAt,
            @Schema(description = "One verdict per (resolved address, port) the agent probed.")
            List<Port> ports) {
    }

    /** One (address, port) as one region saw it. */
    @Schema(name = "PortVerdict", description = "One (address, port) as one region saw it.")
    public record Port(
            @Schema(description = "The address probed.", examples = "203.0.113.10") String address,
            @Schema(description = "The port probed.", minimum = "1", maximum = "65535", examples = "443") int port,
            @Schema(description = ApiDocumentation.PORT_STATE) PortState state,
            @Schema(description = ApiDocumentation.REASON, type = SchemaType.STRING,
                    enumeration = {"syn-ack", "conn-refused", "self-connect", "no-response", "host-unreach",
                            "net-unreach", "admin-prohibited", "local-error"}) String reason,
            @Schema(description = ApiDocumentation.RTT_MICROS, examples = "8430") long rttMicros,
            @Schema(description = "For `ERROR`, what failed on the prober's side; null otherwise.") String message) {
    }

    /**
     * Per port: {@code consistent} or {@code divergent}, and which regions saw which state; {@code summary}
     * says it in one line, e.g. "443 open from eu-west, us-east; filtered from ap-south".
     */
    @Schema(name = "RegionComparison", description = "How the regions that answered compare, port by port.")
    public record Comparison(
            @Schema(description = "The comparison in one line for people: divergent ports first, each with which "
                    + "regions saw which state, then the consistent ones grouped, then the regions without an "
                    + "answer.", examples = "443 open from eu-west; closed from us-east; filtered from ap-south. 25 "
                    + "closed from ap-south, eu-west, us-east.") String summary,
            @Schema(description = "The ports the regions disagree on.", examples = "[443]")
            List<Integer> divergentPorts,
            @Schema(description = "The regions that answered (`DONE`).") List<String> answered,
            @Schema(description = "The regions that did not (any other status), left out of the comparison.")
            List<String> unanswered,
            @Schema(description = "Each port's verdict across regions, by port number.")
            List<PortComparison> ports) {
    }

    /** One port across regions. */
    @Schema(name = "PortComparison", description = "One port across the regions that answered.")
    public record PortComparison(
            @Schema(description = "The port.", examples = "443") int port,
            @Schema(description = "`consistent` when every region saw the same state on every address, else "
                    + "`divergent`; an `ERROR` never counts as a disagreement.", type = SchemaType.STRING,
                    enumeration = {"consistent", "divergent"}) String verdict,
            @Schema(description = "Which regions saw which state, by state.",
                    examples = "{\"OPEN\": [\"eu-west\"], \"CLOSED\": [\"us-east\"], \"FILTERED\": [\"ap-south\"]}")
            Map<PortState, SortedSet<String>> states) {
    }
}
