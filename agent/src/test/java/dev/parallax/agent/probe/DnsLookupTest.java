package dev.parallax.agent.probe;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.local.dns.FakeDnsServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Resolution at the agent against a fake DNS server on loopback: each failure says what DNS answered. */
class DnsLookupTest {

    private static Vertx vertx;
    private static FakeDnsServer dns;
    private static Resolver resolver;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        dns = new FakeDnsServer(Map.of(
                "dual.test", new FakeDnsServer.Records(List.of(
                        InetAddress.getByName("198.51.100.7"), InetAddress.getByName("2001:db8::7"))),
                "v4only.test", new FakeDnsServer.Records(List.of(InetAddress.getByName("198.51.100.8"))),
                "broken.test", new FakeDnsServer.Rcode(2),
                "silent.test", new FakeDnsServer.Silence()));
        resolver = new Resolver(new DnsLookup(vertx, List.of(dns.address()), Duration.ofMillis(500)));
    }

    @AfterAll
    static void stop() throws Exception {
        dns.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void anyFamilyGivesEveryAddressOfBothFamilies() {
        Resolver.Resolution resolution = resolve("dual.test", IpFamily.ANY);

        assertThat(resolution.failure()).isNull();
        assertThat(resolution.addresses()).extracting(InetAddress::getHostAddress)
                .containsExactlyInAnyOrder("198.51.100.7", "2001:db8:0:0:0:0:0:7");
        assertThat(resolution.micros()).isPositive();
    }

    @Test
    void familyOptionKeepsOnlyThatFamily() {
        assertThat(resolve("dual.test", IpFamily.IPV4).addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("198.51.100.7");
        assertThat(resolve("dual.test", IpFamily.IPV6).addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void nameWithoutAnAddressOfTheFamilySaysSo() {
        Resolver.Resolution resolution = resolve("v4only.test", IpFamily.IPV6);

        assertThat(resolution.resolved()).isFalse();
        assertThat(resolution.failure()).contains("no IPv6 (AAAA) address").contains("NOERROR");
    }

    @Test
    void unknownNameIsNxdomain() {
        assertThat(resolve("nothing-here.test", IpFamily.ANY).failure()).contains("NXDOMAIN");
    }

    @Test
    void serverFailureIsReportedWithItsResponseCode() {
        assertThat(resolve("broken.test", IpFamily.ANY).failure()).contains("SERVFAIL");
    }

    @Test
    void silentServerIsATimeout() {
        Resolver.Resolution resolution = resolve("silent.test", IpFamily.IPV4);

        assertThat(resolution.failure()).contains("timeout").contains(String.valueOf(dns.address().getPort()));
        assertThat(resolution.micros()).as("bounded by the 500 ms query timeout").isLessThan(3_000_000);
    }

    @Test
    void ipLiteralIsNeverLookedUp() {
        Resolver noDns = new Resolver((name, family) -> {
            throw new AssertionError("looked up " + name);
        });

        Resolver.Resolution resolution = noDns.resolve(TargetHost.parse("2001:db8::9"), IpFamily.ANY);

        assertThat(resolution.addresses()).hasSize(1);
        assertThat(noDns.resolve(TargetHost.parse("2001:db8::9"), IpFamily.IPV4).failure()).contains("not an IPv4");
    }

    @Test
    void resolvConfNameServersAreRead() throws Exception {
        Path conf = Files.createTempFile("resolv", ".conf");
        try {
            Files.writeString(conf, "# comment\nsearch example\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n");

            assertThat(DnsLookup.systemServers(conf)).containsExactly(
                    new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("2001:db8::53", 53));
        } finally {
            Files.delete(conf);
        }
    }

    private static Resolver.Resolution resolve(String name, IpFamily family) {
        return resolver.resolve(TargetHost.parse(name), family);
    }
}
