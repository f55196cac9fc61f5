package dev.parallax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code parallax check host:ports}: submits a check and shows the regions' answers as they arrive (a table
 * redrawn in place on a terminal, printed once otherwise), then the comparison in one line.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check ports of a host from every region (or the ones named) and compare the answers.",
        footer = {"", "Example:", "  parallax check example.com:443,22 --regions eu-west,us-east --timeout 2s"})
final class CheckCommand implements Callable<Integer> {

    @ParentCommand
    ParallaxCli parallax;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORTS",
            description = "Host and ports, e.g. example.com:443,22 or 192.0.2.1:8000-8010 or [2001:db8::1]:443.")
    String target;

    @Option(names = "--regions", split = ",", paramLabel = "REGION",
            description = "Regions to probe from (default: every region with a live agent).")
    List<String> regions;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Connect timeout per probe, e.g. 2s.")
    String timeout;

    @Option(names = "--ip-family", paramLabel = "FAMILY", description = "any (default), ipv4 or ipv6.")
    String ipFamily;

    @Option(names = "--json", description = "Print the completed check as the API's JSON instead of a table.")
    boolean json;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "5m",
            description = "Give up waiting for the regions after this long (default: ${DEFAULT-VALUE}).")
    String wait;

    @Override
    public Integer call() {
        TargetArgument parsed = TargetArgument.parse(target);
        Duration patience = ParallaxCli.duration("--wait", wait);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", parsed.host());
        body.put("ports", parsed.ports());
        if (regions != null && !regions.isEmpty()) {
            body.put("regions", regions);
        }
        if (timeout != null) {
            body.put("timeoutMs", ParallaxCli.duration("--timeout", timeout).toMillis());
        }
        if (ipFamily != null) {
            body.put("ipFamily", ipFamily);
        }
        ApiClient api = parallax.client();
        JsonNode accepted = api.post("api/v1/checks", body);
        String id = accepted.path("id").asText();
        List<String> requested = new ArrayList<>();
        accepted.path("regions").forEach(region -> requested.add(region.asText()));

        PrintWriter out = spec.commandLine().getOut();
        boolean live = !json && System.console() != null;
        ResultTable table = new ResultTable(requested);
        int[] drawn = {0};
        if (live) {
            drawn[0] = redraw(out, table, 0);
        }
        JsonNode[] complete = {null};
        api.events("api/v1/checks/" + id + "/events", patience, event -> {
            switch (event.name()) {
                case "region" -> {
                    table.update(event.data());
                    if (live) {
                        drawn[0] = redraw(out, table, drawn[0]);
                    }
                }
                case "complete" -> complete[0] = event.data();
                default -> { }
            }
        });
        JsonNode check = complete[0] != null ? complete[0] : api.get("api/v1/checks/" + id);
        check.path("regions").forEach(table::update);
        if (json) {
            out.println(check.toPrettyString());
        } else {
            if (live) {
                redraw(out, table, drawn[0]);
            } else {
                table.lines().forEach(out::println);
            }
            out.println(summary(check, requested.size()));
        }
        out.flush();
        return exitCode(check);
    }

    /** Prints the table over the one printed before ({@code previous} lines); returns its height. */
    private static int redraw(PrintWriter out, ResultTable table, int previous) {
        if (previous > 0) {
            out.print("\u001b[" + previous + "A\u001b[J");
        }
        List<String> lines = table.lines();
        lines.forEach(out::println);
        out.flush();
        return lines.size();
    }

    private static String summary(JsonNode check, int requested) {
        int answered = check.path("comparison").path("answered").size();
        String status = check.path("status").asText();
        String comparison = check.path("comparison").path("summary").asText("");
        return (comparison.isEmpty() ? "" : comparison + " ") + "(" + answered + " of " + requested
                + " regions answered; check " + check.path("id").asText() + ", " + status + ")";
    }

    private static int exitCode(JsonNode check) {
        if (!"COMPLETE".equals(check.path("status").asText())) {
            return ParallaxCli.EXIT_FAILURE;
        }
        for (JsonNode region : check.path("regions")) {
            if ("UNAVAILABLE".equals(region.path("status").asText())) {
                return ParallaxCli.EXIT_UNAVAILABLE;
            }
        }
        return ParallaxCli.EXIT_OK;
    }
}
