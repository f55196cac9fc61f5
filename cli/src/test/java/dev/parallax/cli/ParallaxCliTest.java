package dev.parallax.cli;

import dev.parallax.client.Check;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Exit codes and messages that need no coordinator; the CLI against a real stack is CliIT in deploy/e2e. */
class ParallaxCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ParallaxCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void everyCommandHasHelp() {
        for (List<String> command : List.<List<String>>of(List.of(), List.of("check"), List.of("regions"), List.of("schedule"),
                List.of("schedule", "create"), List.of("schedule", "list"), List.of("schedule", "history"),
                List.of("schedule", "delete"))) {
            out.getBuffer().setLength(0);
            String[] args = Stream.concat(command.stream(), Stream.of("--help"))
                    .toArray(String[]::new);
            assertThat(run(args)).as("exit code of %s --help", command).isZero();
            assertThat(out.toString()).as("help of %s", command).contains("Usage: parallax");
        }
    }

    @Test
    void aMissingOrMalformedTargetIsExit2WithAMessage() {
        assertThat(run("check")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'HOST:PORTS'");
        err.getBuffer().setLength(0);

        assertThat(run("check", "example.com")).isEqualTo(2);
        assertThat(err.toString()).startsWith("parallax: give the target as host:ports");
    }

    @Test
    void aBadDurationOrApiAddressIsExit2() {
        assertThat(run("check", "example.com:443", "--timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--timeout must be a duration such as 2s");
        assertThat(run("regions", "--api", "ftp://example.com")).isEqualTo(2);
        assertThat(err.toString()).contains("--api must be an http(s) URL");
    }

    @Test
    void anUnreachableApiIsExit1AndSaysWhereItLooked() throws IOException {
        int released;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            released = socket.getLocalPort();
        }

        assertThat(run("regions", "--api", "http://127.0.0.1:" + released)).isEqualTo(1);
        assertThat(err.toString()).contains("cannot reach the Parallax API at http://127.0.0.1:" + released)
                .contains("PARALLAX_API_URL");
    }

    @Test
    void theResultTableShowsWaitingRegionsThenEachPort() {
        ResultTable table = new ResultTable(List.of("eu-west", "us-east"));
        table.update(new Check.Region("eu-west", "DONE", "eu-west-1", null, List.of("192.0.2.1"), 40L, null, null,
                List.of(new Check.Port("192.0.2.1", 443, "OPEN", "syn-ack", 1234, null),
                        new Check.Port("192.0.2.1", 22, "FILTERED", "no-response", 2_000_000, null))));

        assertThat(table.lines()).containsExactly(
                "REGION   STATUS    ADDRESS    PORT  STATE     REASON       CONNECT",
                "eu-west  DONE      192.0.2.1  443   OPEN      syn-ack      1.2 ms",
                "eu-west  DONE      192.0.2.1  22    FILTERED  no-response  2000.0 ms",
                "us-east  waiting…");
    }
}
