package dev.parallax.cli;

import dev.parallax.client.ApiResponse;
import dev.parallax.client.ParallaxClient;
import dev.parallax.client.Region;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code parallax regions}: every region with its live agents. */
@Command(name = "regions", mixinStandardHelpOptions = true,
        description = "List the regions and how many of their agents are live.")
final class RegionsCommand implements Callable<Integer> {

    @ParentCommand
    ParallaxCli parallax;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() {
        ApiResponse<List<Region>> answer;
        try (ParallaxClient api = parallax.client()) {
            answer = api.regions();
        }
        List<Region> regions = answer.value();
        if (json) {
            spec.commandLine().getOut().println(answer.json().toPrettyString());
            return ParallaxCli.EXIT_OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"REGION", "LIVE AGENTS", "AGENTS", "LAST SEEN"});
        for (Region region : regions) {
            rows.add(new String[] {region.region(), Integer.toString(region.liveAgents()),
                    Integer.toString(region.agents()),
                    region.lastSeen() == null ? "never" : region.lastSeen().toString()});
        }
        Columns.print(spec.commandLine().getOut(), rows);
        return ParallaxCli.EXIT_OK;
    }
}
