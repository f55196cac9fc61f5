package dev.parallax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code parallax schedule create|list|history|delete}: recurring checks. */
@Command(name = "schedule", mixinStandardHelpOptions = true, description = "Recurring checks.",
        subcommands = {ScheduleCommand.Create.class, ScheduleCommand.ListSchedules.class,
                ScheduleCommand.History.class, ScheduleCommand.Delete.class})
final class ScheduleCommand {

    @ParentCommand
    ParallaxCli parallax;

    /** {@code parallax schedule create host:ports --every 1m}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a schedule.",
            footer = {"", "Example: parallax schedule create example.com:443 --every 1m --regions eu-west,us-east \\",
                    "           --webhook https://hooks.example.com/parallax --quorum 2 --consecutive 2"})
    static final class Create implements Callable<Integer> {

        @ParentCommand
        ScheduleCommand schedule;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "HOST:PORTS", description = "Host and ports, e.g. example.com:443,22.")
        String target;

        @ArgGroup(multiplicity = "1")
        Cadence cadence;

        static final class Cadence {
            @Option(names = "--every", paramLabel = "DURATION", required = true,
                    description = "Run every DURATION, e.g. 30s, 5m or PT1H.")
            String every;

            @Option(names = "--cron", paramLabel = "EXPRESSION", required = true,
                    description = "Run on a Quartz cron expression in UTC, e.g. '0 */5 * * * ?'.")
            String cron;
        }

        @Option(names = "--regions", split = ",", paramLabel = "REGION",
                description = "Regions to probe from (default: every region with a live agent at each run).")
        List<String> regions;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "Connect timeout per probe, e.g. 2s.")
        String timeout;

        @Option(names = "--expect", paramLabel = "STATE",
                description = "The state that counts as up: OPEN (default), CLOSED or FILTERED.")
        String expect;

        @Option(names = "--webhook", paramLabel = "URL", description = "Receiver of state-change events.")
        String webhook;

        @Option(names = "--quorum", paramLabel = "N", description = "Regions down before an alert fires.")
        Integer quorum;

        @Option(names = "--consecutive", paramLabel = "N", description = "Runs that confirm a change.")
        Integer consecutive;

        @Override
        public Integer call() {
            TargetArgument parsed = TargetArgument.parse(target);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("target", parsed.host());
            body.put("ports", parsed.ports());
            if (regions != null && !regions.isEmpty()) {
                body.put("regions", regions);
            }
            if (cadence.every != null) {
                body.put("every", cadence.every);
            } else {
                body.put("cron", cadence.cron);
            }
            if (timeout != null) {
                body.put("timeoutMs", ParallaxCli.duration("--timeout", timeout).toMillis());
            }
            if (expect != null) {
                body.put("expect", expect);
            }
            if (webhook != null || quorum != null || consecutive != null) {
                Map<String, Object> alert = new LinkedHashMap<>();
                alert.put("webhook", webhook);
                if (quorum != null) {
                    alert.put("quorum", quorum);
                }
                if (consecutive != null) {
                    alert.put("consecutive", consecutive);
                }
                body.put("alert", alert);
            }
            JsonNode created = schedule.parallax.client().post("api/v1/schedules", body);
            PrintWriter out = spec.commandLine().getOut();
            out.println("schedule " + created.path("id").asText() + " created: " + created.path("target").asText()
                    + " ports " + created.path("ports").asText() + ", " + cadence(created) + ", first run at "
                    + created.path("nextRunAt").asText());
            String secret = created.path("alert").path("secret").asText("");
            if (!secret.isEmpty()) {
                out.println("webhook secret (shown once; it signs X-Parallax-Signature): " + secret);
            }
            out.flush();
            return ParallaxCli.EXIT_OK;
        }
    }

    /** {@code parallax schedule list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your schedules.")
    static final class ListSchedules implements Callable<Integer> {

        @ParentCommand
        ScheduleCommand schedule;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode schedules = schedule.parallax.client().get("api/v1/schedules");
            if (json) {
                spec.commandLine().getOut().println(schedules.toPrettyString());
                return ParallaxCli.EXIT_OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "TARGET", "PORTS", "CADENCE", "PAUSED", "NEXT RUN"});
            for (JsonNode s : schedules) {
                rows.add(new String[] {s.path("id").asText(), s.path("target").asText(), s.path("ports").asText(),
                        cadence(s), s.path("paused").asText(), s.path("nextRunAt").asText()});
            }
            Columns.print(spec.commandLine().getOut(), rows);
            return ParallaxCli.EXIT_OK;
        }
    }

    /** {@code parallax schedule history ID}. */
    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "A schedule's runs, newest first: per run, region and port.")
    static final class History implements Callable<Integer> {

        @ParentCommand
        ScheduleCommand schedule;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
        String id;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
                description = "Runs to show (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print the API's JSON.")
        boolean json;

        @Override
        public Integer call() {
            JsonNode history = schedule.parallax.client().get("api/v1/schedules/" + encode(id) + "/history?limit="
                    + limit);
            if (json) {
                spec.commandLine().getOut().println(history.toPrettyString());
                return ParallaxCli.EXIT_OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"DUE", "STATUS", "REGION", "ADDRESS", "PORT", "STATE", "REASON", "CONNECT"});
            for (JsonNode run : history.path("runs")) {
                String due = run.path("dueAt").asText();
                if (run.path("checkId").isNull()) {
                    rows.add(new String[] {due, "not run", "", "", "", "", run.path("outcome").asText(), ""});
                    continue;
                }
                for (JsonNode region : run.path("regions")) {
                    if (region.path("ports").isEmpty()) {
                        rows.add(new String[] {due, run.path("status").asText(), region.path("region").asText(),
                                "", "", region.path("status").asText(), region.path("message").asText(""), ""});
                    }
                    for (JsonNode port : region.path("ports")) {
                        rows.add(new String[] {due, run.path("status").asText(), region.path("region").asText(),
                                port.path("address").asText(), port.path("port").asText(),
                                port.path("state").asText(), port.path("reason").asText(),
                                String.format(Locale.ROOT, "%.1f ms",
                                        port.path("rttMicros").asLong() / 1000.0)});
                    }
                }
            }
            Columns.print(spec.commandLine().getOut(), rows);
            return ParallaxCli.EXIT_OK;
        }
    }

    /** {@code parallax schedule delete ID}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a schedule and its history.")
    static final class Delete implements Callable<Integer> {

        @ParentCommand
        ScheduleCommand schedule;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The schedule's id.")
        String id;

        @Override
        public Integer call() {
            schedule.parallax.client().delete("api/v1/schedules/" + encode(id));
            spec.commandLine().getOut().println("schedule " + id + " deleted");
            spec.commandLine().getOut().flush();
            return ParallaxCli.EXIT_OK;
        }
    }

    private static String cadence(JsonNode schedule) {
        return schedule.path("every").isTextual() ? "every " + schedule.path("every").asText()
                : "cron '" + schedule.path("cron").asText() + "'";
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment.strip(), StandardCharsets.UTF_8);
    }
}
