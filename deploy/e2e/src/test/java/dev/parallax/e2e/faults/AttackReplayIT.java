package dev.parallax.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.e2e.faults.AttackClient.Answer;
import dev.parallax.e2e.faults.AttackTable.Row;
import dev.parallax.local.LocalStack;
import dev.parallax.local.dns.FakeDnsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays, against the packaged stack, every attack a security audit found: first on a coordinator
 * configured as a public deployment is (no anonymous callers, loopback not open), then on the local stack's own
 * configuration (anonymous callers, loopback open). Each attack is a row of the table this prints: what was tried,
 * how often, what the answers must be and what they were. None may be a 500, a hang, or leave a stored row.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackReplayIT {

    private static final String ADMIN_KEY = "attack-replay-admin-key-0123456789abcdef";
    /** A region no agent ever served: a check of it stays pending until its deadline, and its event streams open. */
    private static final String AGENTLESS_REGION = "nowhere";
    /** As a public deployment runs: keys only, nothing of loopback open but the honest checks' one address. */
    private static final Map<String, String> PUBLIC = Map.of(
            "parallax.auth.anonymous.enabled", "false",
            "parallax.auth.admin-key", ADMIN_KEY,
            "parallax.regions.known", "eu-west,us-east," + AGENTLESS_REGION);
    /** As the local stack runs: anonymous callers with a budget nobody reaches, loopback open. */
    private static final Map<String, String> LOCAL = Map.of(
            "parallax.auth.anonymous.enabled", "true",
            "parallax.targets.allow", "127.0.0.0/8,::1/128");
    /** Far above a request's normal latency here (milliseconds), far below the minute a held worker would take. */
    private static final long ANSWERED_WITHIN_MS = 2_000;
    /** What the socket buffers of a loopback connection may hold: a coordinator that read the body read far more. */
    private static final long MAX_WEBHOOK_ANSWER_READ = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final AttackTable table = new AttackTable();
    private static LocalStack stack;
    private static FaultStacks.AcceptingListener target;
    private static FakeDnsServer dns;
    private static AttackClient api;
    /** The honest user: another client address than the attacker's. */
    private static AttackClient honest;
    private static AttackClient management;
    private static long coordinatorLogAtStart;
    private static String honestKey;
    private static String readOnlyKey;
    private static String smallBudgetKey;

    @BeforeAll
    static void startStack() throws Exception {
        // The honest checks' target; 127.0.0.2 stands for a public address the policy lets through.
        target = new FaultStacks.AcceptingListener(InetAddress.getByName("127.0.0.2"));
        dns = new FakeDnsServer(Map.of(
                "compatible.attack.test", new FakeDnsServer.Records(List.of(InetAddress.getByName("::7f00:1"))),
                "translated.attack.test", new FakeDnsServer.Records(List.of(
                        InetAddress.getByName("::ffff:0:7f00:1")))));
        stack = FaultStacks.start("attacks", builder -> builder
                .regions(List.of("eu-west", "us-east"))
                .allowTargets("127.0.0.2/32")
                .coordinatorProperties(PUBLIC)
                .agentProperties(Map.of("parallax.agent.dns.servers",
                        dns.address().getHostString() + ":" + dns.address().getPort())));
        api = new AttackClient(stack.apiBaseUri());
        honest = new AttackClient(stack.apiBaseUri(), InetAddress.getByName("127.0.0.3"));
        management = new AttackClient(stack.coordinator(1).managementUri());
        honestKey = issueKey("honest", "[\"checks:write\", \"checks:read\", \"schedules:write\"]", "");
        readOnlyKey = issueKey("reader", "[\"checks:read\"]", "");
        smallBudgetKey = issueKey("small", "[\"schedules:write\", \"checks:read\"]", ", \"costPerHour\": 20");
        coordinatorLogAtStart = Files.size(stack.logFile("coordinator"));
    }

    @AfterAll
    static void stopStack() throws Exception {
        table.write();
        if (dns != null) {
            dns.close();
        }
        FaultStacks.stop(stack, target);
    }

    @Test
    @Order(1)
    void slowBodiesHoldNoWorkerWhileTheApiHealthAndMetricsAnswer() throws Exception {
        long[] before = slowest(5);
        List<AttackClient.Raw> stalled = new ArrayList<>();
        List<String> meanwhile = new ArrayList<>();
        long[] during = new long[3];
        List<String> stalledAnswers = new ArrayList<>();
        String honestCheck;
        String oneTooMany;
        try {
            // Three clients (loopback addresses of their own), each sending as many bodies at once as one may: 24
            // bodies held open, three times the request worker threads.
            for (int i = 0; i < 24; i++) {
                AttackClient.Raw connection = new AttackClient.Raw(apiPort(),
                        InetAddress.getByName("127.0.0." + (10 + i / 8)));
                stalled.add(connection);
                connection.write(stalledRequest(i % 4));
            }
            Thread.sleep(300);
            try (AttackClient.Raw ninth = new AttackClient.Raw(apiPort(),
                    InetAddress.getByName("127.0.0.10"))) {
                ninth.write(stalledRequest(0));
                oneTooMany = ninth.status();
            }
            for (int round = 0; round < 5; round++) {
                List<Answer> answers = List.of(api.get("/api/v1/regions", readOnlyKey),
                        management.get("/q/health/ready", null), management.get("/q/metrics", null));
                for (int i = 0; i < answers.size(); i++) {
                    meanwhile.add(within(answers.get(i)));
                    during[i] = Math.max(during[i], answers.get(i).millis());
                }
            }
            Answer accepted = honest.post("/api/v1/checks", honestKey, "{\"target\": \"127.0.0.2\", \"ports\": ["
                    + target.port() + "], \"regions\": [\"eu-west\", \"us-east\"]}");
            assertThat(accepted.status()).as("an honest check while bodies stall: %s", accepted.body()).isEqualTo(202);
            honestCheck = JSON.readTree(accepted.body()).path("id").asText();
        } finally {
            for (AttackClient.Raw connection : stalled) {
                stalledAnswers.add(connection.status());
                connection.close();
            }
        }
        require(table.record("1. slow request bodies from 3 client addresses (POSTs with Content-Length, chunked"
                + " POSTs, PATCHes, POSTs to /api;x/v1/checks), each stopping after its first byte, with a read-only"
                + " key", stalledAnswers, "408", "each held until the 5 s body timeout, on the event loop"));
        require(table.record("1. a ninth body at once from one of those addresses", List.of(oneTooMany),
                "429", "parallax.api.max-bodies-per-client"));
        require(table.record("1. meanwhile: the API, readiness and metrics", meanwhile,
                "200 within " + ANSWERED_WITHIN_MS + " ms", String.format("slowest of 5 while stalled: API %d"
                        + " ms, readiness %d ms, metrics %d ms; before the attack: %d, %d, %d ms", during[0], during[1],
                        during[2], before[0], before[1], before[2])));
        JsonNode done = awaitComplete(honestCheck, honestKey);
        require(table.record("1. meanwhile: an honest check from two regions", List.of(
                done.path("status").asText() + " " + done.path("comparison").path("summary").asText()),
                "COMPLETE " + target.port() + " open from eu-west, us-east.", ""));
    }

    @Test
    @Order(2)
    void schedulesCannotEscapeTheCheckBudget() throws Exception {
        Answer everything = api.post("/api/v1/schedules", smallBudgetKey, "{\"target\": \"quota-escape.attack.test\","
                + " \"ports\": [\"1-1024\"], \"regions\": \"all\", \"every\": \"10s\"}");
        require(table.record("2. a schedule of 1,024 ports from every region every 10 s, on a key of 20 an hour",
                List.of(outcome(everything)), "400", detail(everything)));
        Answer first = api.post("/api/v1/schedules", smallBudgetKey, "{\"target\": \"small.attack.test\","
                + " \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"5m\"}");
        Answer second = api.post("/api/v1/schedules", smallBudgetKey, "{\"target\": \"quota-escape.attack.test\","
                + " \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"5m\"}");
        require(table.record("2. two schedules of 12 an hour each, on a key of 20 an hour",
                List.of(outcome(first), outcome(second)), Map.of("201", 1, "429", 1), "the second: " + detail(second)));
        assertNothingStored("schedules", "quota-escape.attack.test");
    }

    @Test
    @Order(3)
    void ipv6FormsOfBlockedAddressesAreRefusedEverywhere() throws Exception {
        List<String> forms = List.of("::169.254.169.254", "::a9fe:a9fe", "::7f00:1", "::ffff:0:7f00:1",
                "::ffff:0:a9fe:a9fe", "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2002:7f00:1::",
                "2a00:1450::5efe:a9fe:a9fe");
        List<String> asTargets = new ArrayList<>();
        List<String> asWebhooks = new ArrayList<>();
        for (String form : forms) {
            asTargets.add(outcome(api.post("/api/v1/checks", honestKey, "{\"target\": \"" + form
                    + "\", \"ports\": [80], \"regions\": [\"eu-west\"]}")));
            asWebhooks.add(outcome(api.post("/api/v1/schedules", honestKey, "{\"target\": \"webhook.attack.test\","
                    + " \"ports\": [443], \"regions\": [\"eu-west\"], \"every\": \"1h\", \"alert\": {\"webhook\":"
                    + " \"http://[" + form + "]/hook\"}}")));
        }
        require(table.record("4. IPv6 forms of loopback and the metadata address as targets (" + String.join(", ", forms)
                + ")", asTargets, "400", "refused by policy at the API"));
        require(table.record("4. the same as webhook hosts", asWebhooks, "400", "refused by policy"));

        List<String> regions = new ArrayList<>();
        for (String name : List.of("compatible.attack.test", "translated.attack.test")) {
            Answer accepted = api.post("/api/v1/checks", honestKey, "{\"target\": \"" + name + "\", \"ports\": ["
                    + target.port() + "], \"regions\": [\"eu-west\"], \"ipFamily\": \"ipv6\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            JsonNode done = awaitComplete(JSON.readTree(accepted.body()).path("id").asText(), honestKey);
            regions.add(done.path("regions").get(0).path("status").asText());
        }
        require(table.record("4. names whose DNS answers AAAA ::7f00:1 and ::ffff:0:7f00:1", regions,
                "BLOCKED", "judged at the agent after its own lookup, before any connection"));
        for (String form : forms) {
            assertNothingStored("checks", form);
        }
        assertNothingStored("schedules", "webhook.attack.test");
    }

    @Test
    @Order(4)
    void oneKeyCannotTakeEveryEventStream() throws Exception {
        String streamer = issueKey("streamer", "[\"checks:write\", \"checks:read\"]", "");
        Answer pending = api.post("/api/v1/checks", streamer, "{\"target\": \"127.0.0.2\", \"ports\": [9], "
                + "\"regions\": [\"" + AGENTLESS_REGION + "\"]}");
        assertThat(pending.status()).as(pending.body()).isEqualTo(202);
        URI events = stack.apiBaseUri().resolve("/api/v1/checks/" + JSON.readTree(pending.body()).path("id").asText()
                + "/events");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            List<CompletableFuture<HttpResponse<InputStream>>> streams = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                streams.add(http.sendAsync(HttpRequest.newBuilder(events).header("Authorization", "Bearer " + streamer)
                        .build(), HttpResponse.BodyHandlers.ofInputStream()));
                Thread.sleep(20);
            }
            List<String> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<InputStream>> stream : streams) {
                answers.add(String.valueOf(stream.get(AttackClient.PATIENCE.toSeconds(), TimeUnit.SECONDS)
                        .statusCode()));
            }
            require(table.record("5. one key opening 21 event streams of a pending check", answers,
                    Map.of("200", 20, "429", 1), "20 open, the 21st refused"));
        } finally {
            http.shutdownNow();
        }
    }

    @Test
    @Order(5)
    void datesOutOfRangeAre400() throws Exception {
        Answer created = api.post("/api/v1/schedules", honestKey, "{\"target\": \"dates.attack.test\", \"ports\":"
                + " [443], \"regions\": [\"eu-west\"], \"every\": \"1h\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String history = "/api/v1/schedules/" + JSON.readTree(created.body()).path("id").asText() + "/history";
        List<String> answers = Stream.of(history + "?from=-999999999-01-01T00:00:00Z",
                        history + "?to=%2B999999999-12-31T23:59:59Z", history + "?from=0001-01-01T00:00:00Z",
                        "/api/v1/checks?before=-300000-01-01T00:00:00Z")
                .map(path -> outcome(api.get(path, honestKey))).toList();
        require(table.record("6. history and listing dates at the ends of what an ISO-8601 instant holds", answers,
                "400", "between 1970 and 9999 only"));
    }

    @Test
    @Order(6)
    void bodiesEndAtTheirDocumentAndTheLimit() throws Exception {
        String document = "{\"target\": \"padded.attack.test\", \"ports\": [443], \"regions\": [\"eu-west\"]}";
        long written = 0;
        String padded;
        try (AttackClient.Raw connection = new AttackClient.Raw(apiPort())) {
            connection.write("POST /api/v1/checks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + honestKey
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(document.length()) + "\r\n" + document + "\r\n");
            String whitespace = " ".repeat(65_536);
            while (written < 10_000_000 && connection.write("10000\r\n" + whitespace + "\r\n")) {
                written += whitespace.length();
            }
            padded = connection.status();
        }
        require(table.record("7. a chunked body of valid JSON followed by 10 MB of whitespace", List.of(padded),
                "413", written + " bytes of whitespace written before the server closed"));
        List<String> trailing = Stream.of(" {\"ports\": [22]}", " garbage", "]")
                .map(rest -> outcome(api.post("/api/v1/checks", honestKey, document + rest))).toList();
        require(table.record("7. bytes after the JSON document", trailing, "400", "malformed-json"));
        assertNothingStored("checks", "padded.attack.test");
    }

    @Test
    @Order(7)
    void hostsAreCheckedAndAnswersNameNoJavaTypes() throws Exception {
        String host;
        try (AttackClient.Raw connection = new AttackClient.Raw(apiPort())) {
            connection.write("GET /api/v1/regions HTTP/1.1\r\nHost: attacker.attack.test\r\nAuthorization: Bearer "
                    + readOnlyKey + "\r\n\r\n");
            host = connection.status();
        }
        require(table.record("9. a Host header of another name, to be reflected in Location", List.of(host),
                "421", "Location is built from the checked host or parallax.api.public-url"));
        List<String> typed = new ArrayList<>();
        for (String body : List.of("{\"target\": [\"x\"], \"ports\": [443]}",
                "{\"target\": \"x.attack.test\", \"ports\": [443], \"timeoutMs\": \"soon\"}",
                "{\"target\": \"x.attack.test\", \"ports\": {\"a\": 1}}")) {
            Answer answer = api.post("/api/v1/checks", honestKey, body);
            typed.add(answer.status() + (answer.body().contains("java.") || answer.body().contains("dev.parallax")
                    ? " naming a Java type" : " in JSON's terms"));
        }
        require(table.record("9. wrong JSON types", typed, "400 in JSON's terms", ""));
        Answer page = api.get("/", null);
        String headers = (page.header("Content-Security-Policy") != null
                && page.header("Content-Security-Policy").contains("frame-ancestors 'none'") ? "CSP" : "no CSP")
                + ", " + page.header("X-Content-Type-Options") + ", " + page.header("Cache-Control");
        require(table.record("9. the web page's headers", List.of(headers), "CSP, nosniff, no-cache", ""));
    }

    @Test
    @Order(8)
    void requestsThatCouldBeReadTwoWaysAreRefusedAndClosed() throws Exception {
        String head = "POST /api/v1/checks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + honestKey
                + "\r\nContent-Type: application/json\r\n";
        String smuggled = "GET /api/v1/regions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String document = "{\"target\": \"smuggled.attack.test\", \"ports\": [443], \"regions\": [\"eu-west\"]}";
        List<String> framing = new ArrayList<>();
        for (String request : List.of(
                head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(document) + smuggled,
                head + "Transfer-Encoding: identity\r\nContent-Length: " + document.length() + "\r\n\r\n" + document
                        + smuggled,
                head.replace("Host: 127.0.0.1\r\n", "Host: 127.0.0.1\r\nHost: attacker.attack.test\r\n")
                        + "Content-Length: " + document.length() + "\r\n\r\n" + document,
                "GET /api/v1/regions HTTP/1.1\r\nAuthorization: Bearer " + readOnlyKey + "\r\n\r\n")) {
            try (AttackClient.Raw connection = new AttackClient.Raw(apiPort())) {
                connection.write(request);
                framing.add(connection.status());
            }
        }
        require(table.record("10. framing a proxy and the coordinator could read two ways: Transfer-Encoding"
                + " `gzip, chunked` and `identity` with a second request behind the body, two Host headers, no Host",
                framing, Map.of("501", 1, "400", 3), "each answered and the connection closed, so nothing behind it"
                        + " is read as a request of its own"));
        Answer compressed = api.send("POST", "/api/v1/checks", honestKey, Map.of("Content-Encoding", "gzip"),
                document);
        Answer twice = api.post("/api/v1/checks", honestKey, "{\"target\": \"127.0.0.2\", \"ports\": [443],"
                + " \"regions\": [\"eu-west\"], \"target\": \"smuggled.attack.test\"}");
        require(table.record("10. a compressed body (a bomb's way in), a field sent twice", List.of(outcome(compressed),
                outcome(twice)), Map.of("415", 1, "400", 1), "the second target: " + detail(twice)));
        assertNothingStored("checks", "smuggled.attack.test");
    }

    @Test
    @Order(9)
    void theManagementPortAnswersProbesAndScrapersOnly() throws Exception {
        int port = stack.coordinator(1).managementUri().getPort();
        List<String> refused = new ArrayList<>();
        refused.add(outcome(management.send("GET", "/q/metrics", null,
                Map.of("Origin", "http://attacker.attack.test"), null)));
        try (AttackClient.Raw connection = new AttackClient.Raw(port)) {
            connection.write("GET /q/health HTTP/1.1\r\nHost: rebound.attack.test:" + port
                    + "\r\nConnection: close\r\n\r\n");
            refused.add(connection.status());
        }
        require(table.record("10. the management port read by another web page's script, and through a name of the"
                + " attacker's (DNS rebinding)", refused, Map.of("403", 1, "421", 1), "Quarkus answers the"
                + " management port's preflights with Access-Control-Allow-Origin: *; scrapers and probes ask by"
                + " address"));
        require(table.record("10. the management port asked by address", List.of(
                outcome(management.get("/q/health/ready", null))), "200", ""));
    }

    @Test
    @Order(10)
    void aWebhookReceiverCannotFillTheCoordinatorsMemory() throws Exception {
        try (EndlessReceiver receiver = new EndlessReceiver(InetAddress.getByName("127.0.0.2"))) {
            Answer created = api.post("/api/v1/schedules", honestKey, "{\"target\": \"127.0.0.2\", \"ports\": ["
                    + target.port() + "], \"regions\": [\"eu-west\"], \"every\": \"10s\", \"expect\": \"closed\","
                    + " \"alert\": {\"webhook\": \"http://127.0.0.2:" + receiver.port() + "/hook\", \"quorum\": 1,"
                    + " \"consecutive\": 1}}");
            assertThat(created.status()).as("the schedule whose alert goes to the receiver: %s", created.body())
                    .isEqualTo(201);
            String schedule = JSON.readTree(created.body()).path("id").asText();
            try {
                long written = receiver.awaitCutOff(Duration.ofSeconds(40));
                String delivered = awaitDelivery(schedule, Duration.ofSeconds(20));
                Answer after = api.get("/api/v1/regions", readOnlyKey);
                String cutOff = written < MAX_WEBHOOK_ANSWER_READ ? "cut off" : "read " + (written >> 20) + " MB";
                require(table.record("10. a webhook receiver answering 200 with a body without end", List.of(
                        delivered + ", " + cutOff, outcome(after)), Map.of("DELIVERED, cut off", 1, "200", 1),
                        "the receiver wrote " + written / 1024 + " KB before the coordinator closed; the API"
                                + " answered after"));
            } finally {
                api.send("DELETE", "/api/v1/schedules/" + schedule, honestKey, Map.of(), null);
            }
        }
    }

    @Test
    @Order(11)
    void whatIsStoredStaysWithinWhatCanBeStored() throws Exception {
        List<String> answers = List.of(
                outcome(api.post("/api/v1/schedules", honestKey, "{\"target\": \"far.attack.test\", \"ports\":"
                        + " [443], \"regions\": [\"eu-west\"], \"every\": \"999999999d\"}")),
                outcome(api.post("/api/v1/schedules", honestKey, "{\"target\": \"far.attack.test\", \"ports\":"
                        + " [443], \"regions\": [\"eu-west\"], \"cron\": \"0 0 0 1 1 ? 1970\"}")),
                outcome(api.post("/api/v1/admin/keys", ADMIN_KEY, "{\"name\": \"nul\\u0000name\", \"owner\":"
                        + " \"far\", \"scopes\": [\"checks:read\"]}")),
                outcome(api.get("/api/v1/checks?limit=%EF%BC%95", honestKey)));
        require(table.record("10. values past what can be stored or read: an interval of 999,999,999 days, a cron"
                + " expression with no future, a key name with a NUL, a limit in full-width digits", answers, "400",
                "each a problem naming its field"));
        assertNothingStored("schedules", "far.attack.test");
    }

    @Test
    @Order(12)
    void theLocalStackCannotBeDrivenFromAnotherWebPage() throws Exception {
        stack.coordinator(1).kill();
        stack.coordinator(1).start(LOCAL);
        // What the page wants: this machine's own ports probed, loopback being open on the local stack.
        String json = "{\"target\": \"127.0.0.1\", \"ports\": [" + apiPort() + "], \"regions\":"
                + " [\"eu-west\"]}";
        String sameOrigin = "http://127.0.0.1:" + apiPort();
        List<String> crossSite = List.of(
                outcome(api.send("POST", "/api/v1/checks", null, Map.of("Content-Type", "text/plain"), json)),
                outcome(api.send("POST", "/api/v1/checks", null,
                        Map.of("Content-Type", "application/x-www-form-urlencoded"), "target=127.0.0.1&ports=22")),
                outcome(api.send("POST", "/api/v1/checks", null, Map.of("Origin", "http://attacker.attack.test"),
                        json)),
                outcome(api.send("OPTIONS", "/api/v1/checks", null, Map.of("Origin", "http://attacker.attack.test",
                        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"),
                        null)));
        require(table.record("3. anonymous requests a page of another origin can send: text/plain and form POSTs,"
                + " a JSON POST with its Origin, its preflight", crossSite, Map.of("415", 2, "403", 2), ""));
        List<String> rebound = new ArrayList<>();
        for (String request : List.of("GET /api/v1/checks HTTP/1.1\r\n", "GET / HTTP/1.1\r\n")) {
            try (AttackClient.Raw connection = new AttackClient.Raw(apiPort())) {
                connection.write(request + "Host: rebound.attack.test:" + apiPort() + "\r\n\r\n");
                rebound.add(connection.status());
            }
        }
        require(table.record("3. a name of the attacker's resolving to 127.0.0.1 (DNS rebinding)", rebound,
                "421", ""));
        Answer own = api.send("POST", "/api/v1/checks", null, Map.of("Origin", sameOrigin),
                "{\"target\": \"127.0.0.2\", \"ports\": [" + target.port() + "], \"regions\": [\"eu-west\"]}");
        require(table.record("3. the stack's own page, same origin", List.of(outcome(own)), "202", ""));
        assertNothingStored("checks", "127.0.0.1");
    }

    @Test
    @Order(13)
    void expectedClientFaultsAreNotLoggedAsErrors() throws Exception {
        List<String> lines = coordinatorLogSinceStart();
        List<String> errors = lines.stream().filter(line -> line.contains(" ERROR ")).toList();
        long stackTraces = lines.stream().filter(line -> line.startsWith("\tat ")).count();
        require(table.record("8. coordinator log lines at ERROR and stack traces over the whole replay",
                List.of(errors.size() + " ERROR, " + stackTraces + " stack trace lines"),
                "0 ERROR, 0 stack trace lines", errors.isEmpty() ? "" : errors.getFirst()));
    }

    /** The coordinator's API port, which raw connections write to. */
    private static int apiPort() {
        return stack.coordinator(1).httpPort();
    }

    /** What the coordinator logged since the replay began, across its restart (its earlier log is kept as .1). */
    private static List<String> coordinatorLogSinceStart() throws IOException {
        Path current = stack.logFile("coordinator");
        Path before = current.resolveSibling(current.getFileName() + ".1");
        List<String> lines = new ArrayList<>();
        Path first = Files.exists(before) ? before : current;
        byte[] bytes = Files.readAllBytes(first);
        lines.addAll(new String(bytes, (int) Math.min(coordinatorLogAtStart, bytes.length),
                bytes.length - (int) Math.min(coordinatorLogAtStart, bytes.length),
                StandardCharsets.UTF_8).lines().toList());
        if (first != current) {
            lines.addAll(Files.readAllLines(current));
        }
        return lines;
    }

    /** The slowest of {@code rounds} answers of the API, readiness and metrics, in milliseconds. */
    private static long[] slowest(int rounds) {
        long[] slowest = new long[3];
        for (int round = 0; round < rounds; round++) {
            slowest[0] = Math.max(slowest[0], api.get("/api/v1/regions", readOnlyKey).millis());
            slowest[1] = Math.max(slowest[1], management.get("/q/health/ready", null).millis());
            slowest[2] = Math.max(slowest[2], management.get("/q/metrics", null).millis());
        }
        return slowest;
    }

    /**
     * The head of a request and the first byte of its body, with a read-only key: a POST, a chunked POST, a PATCH,
     * and a POST to a path the REST layer routes to the API although it does not begin with "/api/" as written.
     */
    private static String stalledRequest(int kind) {
        String head = "Host: 127.0.0.1\r\nAuthorization: Bearer " + readOnlyKey + "\r\nContent-Type: application/json\r\n";
        return switch (kind) {
            case 0 -> "POST /api/v1/checks HTTP/1.1\r\n" + head + "Content-Length: 4000\r\n\r\n{";
            case 1 -> "POST /api/v1/checks HTTP/1.1\r\n" + head + "Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n";
            case 2 -> "PATCH /api/v1/schedules/" + UUID.randomUUID() + " HTTP/1.1\r\n" + head
                    + "Content-Length: 4000\r\n\r\n{";
            default -> "POST /api;x/v1/checks HTTP/1.1\r\n" + head + "Content-Length: 4000\r\n\r\n{";
        };
    }

    private static String chunked(String body) {
        return Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
    }

    /** The status of the webhook delivery of the schedule's first event, once it is no longer pending. */
    private static String awaitDelivery(String schedule, Duration patience) throws Exception {
        long until = System.nanoTime() + patience.toNanos();
        try (Connection db = stack.postgres().connect();
             PreparedStatement status = db.prepareStatement("""
                     SELECT d.status FROM webhook_deliveries d JOIN schedule_events e ON e.id = d.event_id
                      WHERE e.schedule_id = ?::uuid ORDER BY d.id LIMIT 1""")) {
            status.setString(1, schedule);
            String last = "none";
            while (System.nanoTime() < until) {
                try (ResultSet rows = status.executeQuery()) {
                    last = rows.next() ? rows.getString(1) : "none";
                }
                if (!last.equals("none") && !last.equals("PENDING")) {
                    return last;
                }
                Thread.sleep(200);
            }
            return last + " after " + patience.toSeconds() + " s";
        }
    }

    private static String within(Answer answer) {
        return answer.status() == 200 && answer.millis() < ANSWERED_WITHIN_MS ? "200 within " + ANSWERED_WITHIN_MS
                + " ms" : answer.outcome() + " in " + answer.millis() + " ms";
    }

    private static String outcome(Answer answer) {
        return answer.outcome();
    }

    private static String detail(Answer answer) {
        try {
            return JSON.readTree(answer.body()).path("detail").asText();
        } catch (IOException e) {
            return answer.body();
        }
    }

    private static void require(Row row) {
        assertThat(row.held()).as("attack held off: %s", row.line()).isTrue();
    }

    private static String issueKey(String name, String scopes, String extra) {
        Answer issued = api.post("/api/v1/admin/keys", ADMIN_KEY, "{\"name\": \"" + name + "\", \"owner\": \"" + name
                + "-" + UUID.randomUUID() + "\", \"scopes\": " + scopes + extra + "}");
        assertThat(issued.status()).as("issuing the key %s: %s", name, issued.body()).isEqualTo(201);
        try {
            return JSON.readTree(issued.body()).path("key").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode awaitComplete(String id, String key) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        JsonNode check = null;
        while (System.nanoTime() < until) {
            Answer answer = api.get("/api/v1/checks/" + id, key);
            check = JSON.readTree(answer.body());
            if ("COMPLETE".equals(check.path("status").asText())) {
                return check;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("check " + id + " not COMPLETE within 40 s: " + check);
    }

    /** No row of {@code table} ("checks" or "schedules") has this target. */
    private static void assertNothingStored(String table, String target) throws SQLException {
        try (Connection db = stack.postgres().connect();
             PreparedStatement count = db.prepareStatement("SELECT count(*) FROM " + table + " WHERE target = ?")) {
            count.setString(1, target);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).as("%s stored for the target %s", table, target).isZero();
            }
        }
    }
}
