package dev.parallax.cli;

import dev.parallax.client.ApiException;
import dev.parallax.client.ParallaxClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code parallax}: checks, schedules and regions from a terminal. */
@Command(name = "parallax", mixinStandardHelpOptions = true, version = "parallax 0.1.0",
        description = "Is a port reachable, from every region? Talks to a Parallax coordinator's REST API.",
        subcommands = {CheckCommand.class, ScheduleCommand.class, RegionsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes:", "  0  every requested region finished",
                "  1  the API was unreachable, refused the key, was over quota or failed",
                "  2  bad input (usage, or a 4xx such as an invalid target)",
                "  3  a requested region ended UNAVAILABLE"})
public final class ParallaxCli {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_UNAVAILABLE = 3;

    @Option(names = "--api", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:PARALLAX_API_URL:-http://localhost:8080}",
            description = "The coordinator's address (env PARALLAX_API_URL; default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--key", scope = ScopeType.INHERIT, paramLabel = "KEY", defaultValue = "${env:PARALLAX_API_KEY}",
            description = "API key (env PARALLAX_API_KEY); without one, only a stack that serves anonymous callers"
                    + " answers.")
    String key;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new ParallaxCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ApiException api) {
                err.println("parallax: " + api.getMessage()
                        + (api.kind() == ApiException.Kind.UNREACHABLE ? " (set --api or PARALLAX_API_URL)" : ""));
                return exitCode(api.kind());
            }
            if (e instanceof IllegalArgumentException bad) {
                err.println("parallax: " + bad.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("parallax: " + e);
            return EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }

    /** A 4xx is the input's fault, like a usage error; anything else is a failure of the call. */
    private static int exitCode(ApiException.Kind kind) {
        return kind == ApiException.Kind.BAD_INPUT || kind == ApiException.Kind.NOT_FOUND ? EXIT_BAD_INPUT
                : EXIT_FAILURE;
    }

    ParallaxClient client() {
        URI base;
        try {
            base = URI.create(api.endsWith("/") ? api : api + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--api must be a URL such as http://localhost:8080; got '" + api + "'");
        }
        if (base.getScheme() == null || !base.getScheme().matches("https?")) {
            throw new IllegalArgumentException("--api must be an http(s) URL such as http://localhost:8080; got '"
                    + api + "'");
        }
        return ParallaxClient.builder(base).key(key).userAgent("parallax-cli/1").build();
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** {@code 2s}, {@code 1500ms}, {@code 5m}, or ISO-8601 ({@code PT2S}). */
    static Duration duration(String option, String text) {
        Matcher simple = DURATION.matcher(text.strip());
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(text.strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " must be a duration such as 2s, 1500ms or 5m; got '" + text
                    + "'");
        }
    }
}
