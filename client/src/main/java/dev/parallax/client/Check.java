package dev.parallax.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A check ({@code GET /api/v1/checks/{id}}, and the data of its {@code complete} event): what was asked, each
 * region's answer, and how the regions compare.
 *
 * @param status {@code PENDING} until every region ended, then {@code COMPLETE}
 * @param ports  the ports asked for, as the API writes them ({@code "25,80,443"})
 */
public record Check(UUID id, String status, String target, String ports, int timeoutMs, String ipFamily,
                    Instant createdAt, Instant deadline, Instant completedAt, List<Region> regions,
                    Comparison comparison) {

    public static final String COMPLETE = "COMPLETE";

    public boolean isComplete() {
        return COMPLETE.equals(status);
    }

    /** The answer of the region of this name, if the check went there. */
    public Optional<Region> region(String name) {
        return regions.stream().filter(region -> region.region().equals(name)).findFirst();
    }

    /**
     * One region's answer (also the data of a {@code region} event).
     *
     * @param status            {@code PENDING}, {@code DONE}, or why it ended otherwise ({@code UNAVAILABLE},
     *                          {@code BLOCKED}, {@code EXPIRED}, ...)
     * @param agentId           the agent that answered; null until one did
     * @param message           why the region ended other than {@code DONE}; null otherwise
     * @param resolvedAddresses the addresses the agent's DNS gave for the target, or the target itself
     * @param resolveMicros     how long the lookup took at the agent; null until it answered
     */
    public record Region(String region, String status, String agentId, String message,
                         List<String> resolvedAddresses, Long resolveMicros, Instant startedAt, Instant finishedAt,
                         List<Port> ports) {

        /** The verdict on this port, of the first address that has one. */
        public Optional<Port> port(int port) {
            return ports.stream().filter(verdict -> verdict.port() == port).findFirst();
        }

        static Region from(JsonNode json) {
            return new Region(Json.text(json, "region"), Json.text(json, "status"), Json.text(json, "agentId"),
                    Json.text(json, "message"), Json.strings(json, "resolvedAddresses"),
                    Json.optionalNumber(json, "resolveMicros"), Json.instant(json, "startedAt"),
                    Json.instant(json, "finishedAt"), Json.list(json.path("ports"), Port::from));
        }
    }

    /**
     * One (address, port) as one region saw it.
     *
     * @param state   {@code OPEN}, {@code CLOSED}, {@code FILTERED} or {@code ERROR}
     * @param reason  nmap's word for why: {@code syn-ack}, {@code conn-refused}, {@code no-response}, ...
     * @param message for {@code ERROR}, what failed on the prober's side; null otherwise
     */
    public record Port(String address, int port, String state, String reason, long rttMicros, String message) {

        static Port from(JsonNode json) {
            return new Port(Json.text(json, "address"), Json.integer(json, "port"), Json.text(json, "state"),
                    Json.text(json, "reason"), Json.number(json, "rttMicros"), Json.text(json, "message"));
        }
    }

    /**
     * How the regions that answered compare, port by port.
     *
     * @param summary    the comparison in one line for people
     * @param answered   the regions that answered ({@code DONE}); the others are left out of the comparison
     */
    public record Comparison(String summary, List<Integer> divergentPorts, List<String> answered,
                             List<String> unanswered, List<PortComparison> ports) {

        static Comparison from(JsonNode json) {
            return new Comparison(Json.text(json, "summary"), Json.integers(json, "divergentPorts"),
                    Json.strings(json, "answered"), Json.strings(json, "unanswered"),
                    Json.list(json.path("ports"), PortComparison::from));
        }
    }

    /**
     * One port across the regions that answered.
     *
     * @param verdict {@code consistent} or {@code divergent}
     * @param states  which regions saw which state, by state
     */
    public record PortComparison(int port, String verdict, Map<String, List<String>> states) {

        static PortComparison from(JsonNode json) {
            return new PortComparison(Json.integer(json, "port"), Json.text(json, "verdict"),
                    Json.map(json.path("states"), regions -> Json.list(regions, JsonNode::asText)));
        }
    }

    static Check from(JsonNode json) {
        return new Check(Json.uuid(json, "id"), Json.text(json, "status"), Json.text(json, "target"),
                Json.text(json, "ports"), Json.integer(json, "timeoutMs"), Json.text(json, "ipFamily"),
                Json.instant(json, "createdAt"), Json.instant(json, "deadline"), Json.instant(json, "completedAt"),
                Json.list(json.path("regions"), Region::from), Comparison.from(json.path("comparison")));
    }
}
