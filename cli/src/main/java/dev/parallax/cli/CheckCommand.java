package dev.parallax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parallax.client.ApiResponse;
import dev.parallax.client.Check;
import dev.parallax.client.CheckAccepted;
import dev.parallax.client.CheckEvent;
import dev.parallax.client.CheckRequest;
import dev.parallax.client.ParallaxClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        Long timeoutMs = timeout == null ? null : ParallaxCli.duration("--timeout", timeout).toMillis();
        CheckRequest request = new CheckRequest(parsed.host(), parsed.ports(), regions, timeoutMs, ipFamily);
        try (ParallaxClient api = parallax.client()) {
            CheckAccepted accepted = api.submitCheck(request).value();
            List<String> requested = accepted.regions();

            PrintWriter out = spec.commandLine().getOut();
            boolean live = !json && System.console() != null;
            ResultTable table = new ResultTable(requested);
            int[] drawn = {0};
            if (live) {
                drawn[0] = redraw(out, table, 0);
            }
            Optional<CheckEvent> last = api.followCheck(accepted.id(), patience, event -> {
                if (event.name().equals(CheckEvent.REGION)) {
                    table.update(event.region());
                    if (live) {
                        drawn[0] = redraw(out, table, drawn[0]);
                    }
                }
            });
            Optional<CheckEvent> complete = last.filter(event -> event.name().equals(CheckEvent.COMPLETE));
            Check check;
            JsonNode checkJson;
            if (complete.isPresent()) {
                check = complete.get().check();
                checkJson = complete.get().json();
            } else {
                // The stream ended without the check: read it as it stands.
                ApiResponse<Check> answer = api.check(accepted.id());
                check = answer.value();
                checkJson = answer.json();
            }
            check.regions().forEach(table::update);
            if (json) {
                out.println(checkJson.toPrettyString());
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

    private static String summary(Check check, int requested) {
        int answered = check.comparison().answered().size();
        String comparison = check.comparison().summary() == null ? "" : check.comparison().summary();
        return (comparison.isEmpty() ? "" : comparison + " ") + "(" + answered + " of " + requested
                + " regions answered; check " + check.id() + ", " + check.status() + ")";
    }

    private static int exitCode(Check check) {
        if (!check.isComplete()) {
            return ParallaxCli.EXIT_FAILURE;
        }
        for (Check.Region region : check.regions()) {
            if ("UNAVAILABLE".equals(region.status())) {
                return ParallaxCli.EXIT_UNAVAILABLE;
            }
        }
        return ParallaxCli.EXIT_OK;
    }
}
