package dev.parallax.agent.job;

import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.agent.probe.DnsLookup;
import dev.parallax.agent.probe.Prober;
import dev.parallax.agent.probe.Resolver;
import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.targeting.PortSet;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.common.targeting.TargetPolicy;
import dev.parallax.local.dns.FakeDnsServer;
import io.vertx.core.Vertx;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent refuses every blocked target itself, after its own resolution, and connects only to the addresses it
 * checked. Real loopback listeners count the connections that got through; a guard in front of the probe engine
 * records every address it is asked to probe and sends nothing outside loopback, so a broken policy can never
 * make this test send traffic elsewhere.
 */
class TargetPolicyEnforcementTest {

    /** One address of every blocked range, then the encoded and ambiguous forms of loopback and the rest. */
    private static final List<String> BLOCKED_TARGETS = List.of(
            "0.1.2.3", "10.0.0.1", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.0.1", "192.0.0.8",
            "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.19.255.1", "198.51.100.7", "203.0.113.9",
            "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1", "::ffff:93.184.215.14",
            "64:ff9b::5db8:d70e", "64:ff9b:1::a", "100::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:10::1",
            "2001:20::1", "2001:db8::1", "2002:5db8:d70e::1", "fd00:ec2::254", "fe80::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::", "127.1", "2130706433",
            "0177.0.0.1", "[::1]", "0.0.0.0", "::169.254.169.254", "::7f00:1", "::ffff:0:7f00:1",
            "::ffff:0:a9fe:a9fe", "2a00:1450::5efe:7f00:1");

    private static Vertx vertx;

    private final ConnectProber engine = new ConnectProber(16);
    private final List<InetSocketAddress> probed = new CopyOnWriteArrayList<>();
    /** Forwards loopback targets to the real engine and records everything; anything else is never sent. */
    private final Prober guard = (targets, timeout, budget) -> {
        probed.addAll(targets);
        if (targets.stream().anyMatch(target -> !target.getAddress().isLoopbackAddress())) {
            return CompletableFuture.failedFuture(new AssertionError("asked to probe outside loopback: " + targets));
        }
        return engine.probe(targets, timeout, budget);
    };
    private LoopbackListeners listeners;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void openListeners() throws IOException {
        listeners = LoopbackListeners.open(List.of("127.0.0.1", "::1", "127.0.0.2"));
    }

    @AfterEach
    void close() throws IOException {
        listeners.close();
        engine.close();
    }

    @Test
    void everyBlockedRangeAndEncodedFormIsBlockedWithoutAConnectionOrALookup() throws IOException {
        Resolver noDns = new Resolver((name, family) -> {
            throw new AssertionError("the agent looked up '" + name + "'; an address must never be looked up");
        });
        JobHandler handler = handler(TargetPolicy.defaults(), noDns);

        List<String> notBlocked = new ArrayList<>();
        for (String target : BLOCKED_TARGETS) {
            ProbeVerdict verdict = handler.handle(job(target, IpFamily.ANY)).orElseThrow();
            if (verdict.status() != RegionStatus.BLOCKED || !verdict.ports().isEmpty()) {
                notBlocked.add(target + " -> " + verdict.status() + " " + verdict.message());
            }
        }

        assertThat(notBlocked).as("targets the agent did not refuse").isEmpty();
        assertThat(probed).as("addresses handed to the probe engine").isEmpty();
        assertThat(listeners.acceptedConnections()).as("connections reaching the loopback listeners").isZero();
    }

    @Test
    void aNameThatRebindsToLoopbackAfterSubmissionIsBlockedWithoutAConnection() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(Map.of("rebind.test", new FakeDnsServer.Sequence(List.of(
                new FakeDnsServer.Records(List.of(InetAddress.getByName("127.0.0.2"))),
                new FakeDnsServer.Records(List.of(InetAddress.getByName("127.0.0.1")))))))) {
            Resolver resolver = new Resolver(new DnsLookup(vertx, List.of(dns.address()), Duration.ofMillis(500)));
            // 127.0.0.2 stands for a public address: allowed, so that nothing real is ever probed.
            JobHandler handler = handler(TargetPolicy.fromConfig("127.0.0.2/32"), resolver);
            Resolver.Resolution atSubmission = resolver.resolve(TargetHost.parse("rebind.test"), IpFamily.IPV4);
            assertThat(atSubmission.addresses()).as("what the name resolved to when it was submitted")
                    .extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2");

            ProbeVerdict verdict = handler.handle(job("rebind.test", IpFamily.IPV4)).orElseThrow();

            assertThat(verdict.status()).as("verdict for a name now resolving to loopback: " + verdict.message())
                    .isEqualTo(RegionStatus.BLOCKED);
            assertThat(verdict.message()).contains("127.0.0.1");
            assertThat(probed).as("addresses handed to the probe engine").isEmpty();
            assertThat(listeners.acceptedConnections()).as("connections reaching the loopback listeners").isZero();
        }
    }

    /** A name may answer AAAA with an IPv6 form of a blocked IPv4 address: it is judged by the address inside. */
    @Test
    void aNameAnsweringWithAnIpv6FormOfLoopbackIsBlockedWithoutAConnection() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(Map.of(
                "compatible.test", new FakeDnsServer.Records(List.of(InetAddress.getByName("::7f00:1"))),
                "translated.test", new FakeDnsServer.Records(List.of(InetAddress.getByName("::ffff:0:7f00:1")))))) {
            Resolver resolver = new Resolver(new DnsLookup(vertx, List.of(dns.address()), Duration.ofMillis(500)));
            JobHandler handler = handler(TargetPolicy.defaults(), resolver);

            for (String name : List.of("compatible.test", "translated.test")) {
                ProbeVerdict verdict = handler.handle(job(name, IpFamily.IPV6)).orElseThrow();

                assertThat(verdict.status()).as("verdict for " + name + ": " + verdict.message())
                        .isEqualTo(RegionStatus.BLOCKED);
                assertThat(verdict.message()).contains("embeds 127.0.0.1");
            }
            assertThat(probed).as("addresses handed to the probe engine").isEmpty();
            assertThat(listeners.acceptedConnections()).as("connections reaching the loopback listeners").isZero();
        }
    }

    @Test
    void theAgentConnectsToTheAddressItCheckedAndNeverResolvesTwice() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(Map.of("rebind.test", new FakeDnsServer.Sequence(List.of(
                new FakeDnsServer.Records(List.of(InetAddress.getByName("127.0.0.2"))),
                new FakeDnsServer.Records(List.of(InetAddress.getByName("127.0.0.1")))))))) {
            Resolver resolver = new Resolver(new DnsLookup(vertx, List.of(dns.address()), Duration.ofMillis(500)));
            JobHandler handler = handler(TargetPolicy.fromConfig("127.0.0.2/32"), resolver);

            ProbeVerdict verdict = handler.handle(job("rebind.test", IpFamily.IPV4)).orElseThrow();

            assertThat(verdict.status()).as("verdict: " + verdict.message()).isEqualTo(RegionStatus.DONE);
            assertThat(verdict.ports()).extracting(PortVerdict::address, PortVerdict::state)
                    .containsExactly(Tuple.tuple("127.0.0.2", PortState.OPEN));
            assertThat(dns.queries("rebind.test", FakeDnsServer.TYPE_A)).as("A queries for the name").isEqualTo(1);
            assertThat(probed).extracting(InetSocketAddress::getAddress).extracting(InetAddress::getHostAddress)
                    .as("addresses handed to the probe engine").containsExactly("127.0.0.2");
            assertThat(listeners.acceptedConnections("127.0.0.1")).as("connections to the rebound address").isZero();
            assertThat(listeners.acceptedConnections("127.0.0.2")).as("connections to the checked address")
                    .isEqualTo(1);
        }
    }

    private JobHandler handler(TargetPolicy policy, Resolver resolver) {
        return new JobHandler("eu-west", "eu-west-1", Duration.ofSeconds(5), policy, resolver, guard,
                Clock.systemUTC());
    }

    private ProbeJob job(String target, IpFamily family) {
        return new ProbeJob(UUID.randomUUID(), "eu-west", target, PortSet.of(listeners.port()), 1000, family,
                Instant.now(), Instant.now().plusSeconds(30));
    }

    /** Listeners on one port of several loopback addresses; counts the connections that reached each. */
    private record LoopbackListeners(int port, Map<String, ServerSocketChannel> channels) implements AutoCloseable {

        static LoopbackListeners open(List<String> addresses) throws IOException {
            for (int attempt = 0; attempt < 20; attempt++) {
                Map<String, ServerSocketChannel> opened = new LinkedHashMap<>();
                int port = 0;
                try {
                    for (String address : addresses) {
                        InetAddress bound = InetAddress.getByName(address);
                        ServerSocketChannel channel = ServerSocketChannel.open(bound.getAddress().length == 4
                                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                        opened.put(address, channel);
                        channel.bind(new InetSocketAddress(bound, port), 50);
                        channel.configureBlocking(false);
                        port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                    }
                    return new LoopbackListeners(port, opened);
                } catch (BindException taken) {
                    for (ServerSocketChannel channel : opened.values()) {
                        channel.close();
                    }
                }
            }
            throw new IOException("no port free on all of " + addresses + " in 20 attempts");
        }

        int acceptedConnections() throws IOException {
            int total = 0;
            for (String address : channels.keySet()) {
                total += acceptedConnections(address);
            }
            return total;
        }

        /** Connections completed to this address so far (each is taken off the queue, so count once). */
        int acceptedConnections(String address) throws IOException {
            int count = 0;
            ServerSocketChannel channel = channels.get(address);
            for (var connection = channel.accept(); connection != null && count < 1_000;
                 connection = channel.accept()) {
                connection.close();
                count++;
            }
            return count;
        }

        @Override
        public void close() throws IOException {
            for (ServerSocketChannel channel : channels.values()) {
                channel.close();
            }
        }
    }
}
