package dev.parallax.cli;

import dev.parallax.client.ApiResponse;
import dev.parallax.client.ParallaxClient;
import dev.parallax.client.Schedule;
import dev.parallax.client.ScheduleRequest;
import dev.parallax.client.ScheduleRuns;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
            Long timeoutMs = timeout == null ? null : ParallaxCli.duration("--timeout", timeout).toMillis();
            ScheduleRequest.Alert alert = webhook != null || quorum != null || consecutive != null
                    ? new ScheduleRequest.Alert(webhook, quorum, consecutive) : null;
            ScheduleRequest request = new ScheduleRequest(parsed.host(), parsed.ports(), regions, cadence.every,
                    cadence.cron, timeoutMs, expect, alert);
            Schedule created;
            try (ParallaxClient api = schedule.parallax.client()) {
                created = api.createSchedule(request).value();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("schedule " + created.id() + " created: " + created.target() + " ports " + created.ports()
                    + ", " + cadence(created) + ", first run at " + created.nextRunAt());
            String secret = created.alert() == null || created.alert().secret() == null ? ""
                    : created.alert().secret();
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
            ApiResponse<List<Schedule>> answer;
            try (ParallaxClient api = schedule.parallax.client()) {
                answer = api.schedules();
            }
            List<Schedule> schedules = answer.value();
            if (json) {
                spec.commandLine().getOut().println(answer.json().toPrettyString());
                return ParallaxCli.EXIT_OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "TARGET", "PORTS", "CADENCE", "PAUSED", "NEXT RUN"});
            for (Schedule s : schedules) {
                rows.add(new String[] {s.id().toString(), s.target(), s.ports(), cadence(s),
                        Boolean.toString(s.paused()), String.valueOf(s.nextRunAt())});
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
            ApiResponse<ScheduleRuns> answer;
            try (ParallaxClient api = schedule.parallax.client()) {
                answer = api.scheduleHistory(id, limit);
            }
            ScheduleRuns history = answer.value();
            if (json) {
                spec.commandLine().getOut().println(answer.json().toPrettyString());
                return ParallaxCli.EXIT_OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"DUE", "STATUS", "REGION", "ADDRESS", "PORT", "STATE", "REASON", "CONNECT"});
            for (ScheduleRuns.Run run : history.runs()) {
                String due = String.valueOf(run.dueAt());
                if (run.checkId() == null) {
                    rows.add(new String[] {due, "not run", "", "", "", "", String.valueOf(run.outcome()), ""});
                    continue;
                }
                for (ScheduleRuns.Region region : run.regions()) {
                    if (region.ports().isEmpty()) {
                        rows.add(new String[] {due, run.status(), region.region(), "", "", region.status(),
                                region.message() == null ? "" : region.message(), ""});
                    }
                    for (ScheduleRuns.Port port : region.ports()) {
                        rows.add(new String[] {due, run.status(), region.region(), port.address(),
                                Integer.toString(port.port()), port.state(), port.reason(),
                                String.format(Locale.ROOT, "%.1f ms", port.rttMicros() / 1000.0)});
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
            try (ParallaxClient api = schedule.parallax.client()) {
                api.deleteSchedule(id).value();
            }
            spec.commandLine().getOut().println("schedule " + id + " deleted");
            spec.commandLine().getOut().flush();
            return ParallaxCli.EXIT_OK;
        }
    }

    private static String cadence(Schedule schedule) {
        return schedule.every() != null ? "every " + schedule.every() : "cron '" + schedule.cron() + "'";
    }
}
