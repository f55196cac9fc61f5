package dev.parallax.local;

import dev.parallax.local.vantage.VantageFirewall;
import dev.parallax.local.vantage.VantageNetwork;
import dev.parallax.local.vantage.VantageNetworkException;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.List;
import java.util.stream.Collectors;

/** Command line entry point: starts the local stack, prints how to use it, and runs until Ctrl-C. */
public final class LocalStackMain {

    static final int EXIT_USAGE = 2;

    private static final String USAGE = """
            Usage: java -jar deploy/local/target/parallax-local.jar [options]
                   ./run-local.sh [--no-build] [options]

            Runs Parallax on this machine without Docker: PostgreSQL, a Kafka broker, the coordinator and one
            agent per region, each as its own process. Data is kept in the data directory between runs.

            Options:
              --regions a,b,c   regions, one agent each (default: eu-west,us-east,ap-south)
              --port N          HTTP port of the API and the web page (default: 8080)
              --management-port N
                                HTTP port of the coordinator's health and metrics (default: 9000)
              --data DIR        data and log directory (default: .parallax/local under the current directory)
              --namespaces      run each region's agent in a network namespace of its own, with its own
                                firewall, all probing a target namespace: the first region sees the target's
                                port 443 open, the second closed (its firewall resets), the third filtered
                                (its firewall drops); then again. Needs Linux, root, `ip` and `nft`.
              --help            show this help

            Environment:
              PARALLAX_JDBC_URL, PARALLAX_JDBC_USER, PARALLAX_JDBC_PASSWORD
                                use this PostgreSQL instead of the embedded one
            """;

    private LocalStackMain() {
    }

    /** What the command line asked for. */
    record Options(List<String> regions, int port, int managementPort, Path dataDir, boolean namespaces,
                   boolean help) {
    }

    /** A command line that cannot be run; the message is meant for the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        // Before any logger exists: zonky reports every initdb/pg_ctl step at INFO, which would bury the banner.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            System.err.println("parallax-local: " + e.getMessage());
            System.err.println("Try --help.");
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        System.exit(run(options));
    }

    static Options parse(String[] args) throws UsageException {
        List<String> regions = LocalStack.DEFAULT_REGIONS;
        int port = 8080;
        int managementPort = 9000;
        Path dataDir = Path.of(".parallax", "local");
        boolean namespaces = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return new Options(regions, port, managementPort, dataDir, namespaces, true);
                }
                case "--regions" -> {
                    value = value != null ? value : next(args, ++i, name);
                    regions = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                    if (regions.isEmpty()) {
                        throw new UsageException("--regions needs at least one region");
                    }
                }
                case "--port" -> port = port(name, value != null ? value : next(args, ++i, name));
                case "--management-port" -> managementPort = port(name, value != null ? value : next(args, ++i, name));
                case "--data" -> {
                    value = value != null ? value : next(args, ++i, name);
                    if (value.isBlank()) {
                        throw new UsageException("--data needs a directory");
                    }
                    dataDir = Path.of(value);
                }
                case "--namespaces" -> {
                    if (value != null) {
                        throw new UsageException("--namespaces takes no value");
                    }
                    namespaces = true;
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        if (port == managementPort) {
            throw new UsageException("--port and --management-port must differ");
        }
        return new Options(regions, port, managementPort, dataDir, namespaces, false);
    }

    private static int port(String option, String value) throws UsageException {
        int port;
        try {
            port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, not '" + value + "'");
        }
        if (port < 1 || port > 65535) {
            throw new UsageException(option + " must be between 1 and 65535");
        }
        return port;
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int run(Options options) {
        PrintStream out = System.out;
        LocalStack stack;
        try {
            stack = LocalStack.builder()
                    .regions(options.regions())
                    .coordinatorPort(options.port())
                    .managementPort(options.managementPort())
                    .workDir(options.dataDir())
                    .vantageNamespaces(options.namespaces())
                    .progress(line -> out.println("  " + line))
                    .build();
        } catch (IllegalArgumentException e) {
            System.err.println("parallax-local: " + e.getMessage());
            return EXIT_USAGE;
        } catch (RuntimeException e) {
            System.err.println("parallax-local: " + e.getMessage());
            return 1;
        }
        out.println("Starting the Parallax local stack in " + stack.workDir());
        try {
            stack.start();
        } catch (StartupException e) {
            System.err.println("parallax-local: could not start " + e.getMessage());
            return 1;
        } catch (VantageNetworkException e) {
            System.err.println("parallax-local: --namespaces: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("parallax-local: could not start: " + e);
            return 1;
        }
        printBanner(out, stack, options);

        LocalStack.ComponentExit exit = stack.unexpectedExit().join();
        System.err.println();
        System.err.println("parallax-local: " + exit.component() + " stopped unexpectedly (" + exit.detail()
                + "); stopping everything else.");
        System.err.println(Processes.tail(exit.logFile()));
        stack.close();
        return 1;
    }

    private static String kafkaPort(LocalStack stack) {
        String bootstrap = stack.kafkaBootstrap();
        return bootstrap.substring(bootstrap.lastIndexOf(':') + 1);
    }

    private static void printVantageExample(PrintStream out, LocalStack stack, String api, String regionsJson) {
        VantageNetwork network = stack.vantageNetwork().orElseThrow();
        String target = network.targetAddress().getHostAddress();
        out.println("  Target       " + target + " in namespace " + network.targetNamespace() + ", listening on "
                + new TreeSet<>(LocalStack.VANTAGE_TARGET_PORTS));
        for (String region : network.vantages()) {
            out.println("  " + String.format("%-12s", region) + " namespace " + network.namespace(region) + ", "
                    + network.firewall(region).description()
                    + (network.firewall(region) == VantageFirewall.NONE ? ""
                    : " on " + new TreeSet<>(network.guardedPorts(region))));
        }
        out.println();
        out.println("Check the target from every region (25 has no listener, 80 and 443 do):");
        out.println("  curl -s -X POST " + api + "/api/v1/checks -H 'Content-Type: application/json' \\");
        out.println("       -d '{\"target\":\"" + target + "\",\"ports\":[25,80,443],\"regions\":["
                + regionsJson + "]}'");
        out.println("then read the result at the Location it answers:  curl -s " + api + "/api/v1/checks/<id>");
        out.println();
        out.println("Press Ctrl-C to stop.");
    }

    private static void printBanner(PrintStream out, LocalStack stack, Options options) {
        String api = "http://localhost:" + stack.coordinator(1).httpPort();
        String regionsJson = options.regions().stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(","));
        out.println();
        out.println("Parallax is running.");
        out.println("  API          " + api + "/api/v1   (regions: " + String.join(", ", options.regions()) + ")");
        out.println("  Web page     " + api + "/");
        URI management = stack.coordinator(1).managementUri();
        out.println("  Health       " + management + "/q/health   (metrics: " + management + "/q/metrics)");
        out.println("  Kafka        " + stack.kafkaBootstrap());
        out.println("  PostgreSQL   " + stack.postgres().jdbcUrl() + "   (user " + stack.postgres().username() + ")");
        out.println("  Logs         " + stack.workDir().resolve("logs"));
        out.println();
        if (stack.vantageNetwork().isPresent()) {
            printVantageExample(out, stack, api, regionsJson);
            return;
        }
        // The example probes the stack's own listeners: ports this launcher opened, so trying it touches
        // nothing else on the machine, and both answer OPEN from every region.
        out.println("Check two ports of this machine (the API and Kafka) from every region:");
        out.println("  curl -s -X POST " + api + "/api/v1/checks -H 'Content-Type: application/json' \\");
        out.println("       -d '{\"target\":\"127.0.0.1\",\"ports\":[" + stack.coordinator(1).httpPort() + ","
                + kafkaPort(stack) + "],\"regions\":[" + regionsJson + "]}'");
        out.println("then read the result at the Location it answers:  curl -s " + api + "/api/v1/checks/<id>");
        out.println();
        out.println("Press Ctrl-C to stop.");
    }
}
