package dev.parallax.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode regions = parallax.client().get("api/v1/regions");
        if (json) {
            spec.commandLine().getOut().println(regions.toPrettyString());
            return ParallaxCli.EXIT_OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"REGION", "LIVE AGENTS", "AGENTS", "LAST SEEN"});
        for (JsonNode region : regions) {
            rows.add(new String[] {region.path("region").asText(), region.path("liveAgents").asText(),
                    region.path("agents").asText(),
                    region.path("lastSeen").isNull() ? "never" : region.path("lastSeen").asText()});
        }
        Columns.print(spec.commandLine().getOut(), rows);
        return ParallaxCli.EXIT_OK;
    }
}
