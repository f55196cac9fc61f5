package dev.parallax.agent.job;

import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.agent.probe.HostLookup;
import dev.parallax.agent.probe.Resolver;
import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.contract.PortState;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.targeting.PortSet;
import dev.parallax.common.targeting.TargetPolicy;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Every job of the agent's region ends in exactly one verdict; the probing paths use real loopback listeners. */
class JobHandlerTest {

    private static final TargetPolicy LOOPBACK_ALLOWED = TargetPolicy.fromConfig("127.0.0.0/8,::1/128");
    /** For IP-literal targets, which are never looked up. */
    private static final Resolver NO_DNS = new Resolver((name, family) -> {
        throw new AssertionError("an IP literal was looked up: " + name);
    });

    private final ConnectProber prober = new ConnectProber(16);

    @AfterEach
    void closeProber() {
        prober.close();
    }

    @Test
    void probesEveryPortAndReportsOpenAndClosed() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int closed;
            try (ServerSocket released = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                closed = released.getLocalPort();
            }
            ProbeJob job = job("127.0.0.1", PortSet.of(listener.getLocalPort(), closed), Instant.now().plusSeconds(30));

            ProbeVerdict verdict = handler(LOOPBACK_ALLOWED, NO_DNS).handle(job).orElseThrow();

            assertThat(verdict.status()).isEqualTo(RegionStatus.DONE);
            assertThat(verdict.checkId()).isEqualTo(job.checkId());
            assertThat(verdict.agentId()).isEqualTo("eu-west-1");
            assertThat(verdict.resolvedAddresses()).containsExactly("127.0.0.1");
            assertThat(verdict.ports()).extracting(PortVerdict::port, PortVerdict::state)
                    .containsExactlyInAnyOrder(
                            Tuple.tuple(listener.getLocalPort(), PortState.OPEN),
                            Tuple.tuple(closed, PortState.CLOSED));
        }
    }

    @Test
    void jobPastItsDeadlineIsExpiredWithoutProbing() {
        ProbeJob job = job("127.0.0.1", PortSet.of(443), Instant.now().minusSeconds(1));

        ProbeVerdict verdict = handler(LOOPBACK_ALLOWED, NO_DNS).handle(job).orElseThrow();

        assertThat(verdict.status()).isEqualTo(RegionStatus.EXPIRED);
        assertThat(verdict.ports()).isEmpty();
        assertThat(verdict.message()).contains("deadline");
    }

    @Test
    void jobTooCloseToItsDeadlineIsExpiredWithoutProbing() {
        ProbeJob job = job("127.0.0.1", PortSet.of(443), Instant.now().plusMillis(500));

        ProbeVerdict verdict = handler(LOOPBACK_ALLOWED, NO_DNS).handle(job).orElseThrow();

        assertThat(verdict.status()).as("no time left to probe and deliver").isEqualTo(RegionStatus.EXPIRED);
    }

    @Test
    void probesThatCannotStartBeforeTheDeadlineEndAsErrorsAndTheVerdictArrivesInTime() throws Exception {
        // Four silent ports and room for one probe at a time: 4 x 2 s would overrun the deadline 4.5 s away,
        // so the handler must cut the batch and still answer before the deadline.
        List<AutoCloseable> opened = new ArrayList<>();
        try (ConnectProber narrow = new ConnectProber(1)) {
            int[] ports = new int[4];
            for (int i = 0; i < ports.length; i++) {
                ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                opened.add(silent);
                opened.addAll(fillAcceptQueue(silent));
                ports[i] = silent.getLocalPort();
            }
            Thread.sleep(200);
            ProbeJob job = new ProbeJob(UUID.randomUUID(), "eu-west", "127.0.0.1", PortSet.of(ports), 2000,
                    IpFamily.ANY, Instant.now(), Instant.now().plusMillis(4_500));
            JobHandler handler = new JobHandler("eu-west", "eu-west-1", Duration.ofSeconds(5), LOOPBACK_ALLOWED,
                    NO_DNS, narrow, Clock.systemUTC());

            ProbeVerdict verdict = handler.handle(job).orElseThrow();

            assertThat(verdict.finishedAt()).as("answered before the deadline").isBefore(job.deadline());
            assertThat(verdict.status()).isEqualTo(RegionStatus.DONE);
            assertThat(verdict.ports()).hasSize(4);
            assertThat(verdict.ports()).extracting(PortVerdict::state).contains(PortState.FILTERED, PortState.ERROR);
            assertThat(verdict.ports()).filteredOn(v -> v.state() == PortState.ERROR)
                    .allSatisfy(v -> assertThat(v.message()).contains("not probed"));
        } finally {
            for (AutoCloseable closeable : opened) {
                closeable.close();
            }
        }
    }

    @Test
    void ipLiteralInABlockedRangeIsBlocked() {
        ProbeJob job = job("127.0.0.1", PortSet.of(443), Instant.now().plusSeconds(30));

        ProbeVerdict verdict = handler(TargetPolicy.defaults(), NO_DNS).handle(job).orElseThrow();

        assertThat(verdict.status()).isEqualTo(RegionStatus.BLOCKED);
        assertThat(verdict.message()).contains("127.0.0.0/8");
        assertThat(verdict.ports()).isEmpty();
    }

    @Test
    void hostnameResolvingToABlockedAddressIsBlocked() {
        Resolver resolver = fixedResolver(List.of("93.184.215.14", "10.1.2.3"));
        ProbeJob job = job("mixed.example", PortSet.of(443), Instant.now().plusSeconds(30));

        ProbeVerdict verdict = handler(TargetPolicy.defaults(), resolver).handle(job).orElseThrow();

        assertThat(verdict.status()).isEqualTo(RegionStatus.BLOCKED);
        assertThat(verdict.message()).contains("10.1.2.3");
        assertThat(verdict.resolvedAddresses()).containsExactly("93.184.215.14", "10.1.2.3");
    }

    @Test
    void failedLookupIsUnresolvedWithTheResolversAnswer() {
        Resolver resolver = new Resolver((hostname, family) ->
                HostLookup.Answer.failed(hostname + ": no such name (NXDOMAIN) from 192.0.2.53"));
        ProbeJob job = job("no-such-host.example", PortSet.of(443), Instant.now().plusSeconds(30));

        ProbeVerdict verdict = handler(LOOPBACK_ALLOWED, resolver).handle(job).orElseThrow();

        assertThat(verdict.status()).isEqualTo(RegionStatus.UNRESOLVED);
        assertThat(verdict.message()).isEqualTo("no-such-host.example: no such name (NXDOMAIN) from 192.0.2.53");
    }

    @Test
    void missingAddressFamilyIsUnresolved() {
        ProbeJob job = new ProbeJob(UUID.randomUUID(), "eu-west", "127.0.0.1", PortSet.of(443), 500,
                IpFamily.IPV6, Instant.now(), Instant.now().plusSeconds(30));

        ProbeVerdict verdict = handler(LOOPBACK_ALLOWED, NO_DNS).handle(job).orElseThrow();

        assertThat(verdict.status()).isEqualTo(RegionStatus.UNRESOLVED);
        assertThat(verdict.message()).contains("IPv6");
    }

    @Test
    void jobForAnotherRegionIsLeftUnanswered() {
        ProbeJob job = new ProbeJob(UUID.randomUUID(), "us-east", "127.0.0.1", PortSet.of(443), 500,
                IpFamily.ANY, Instant.now(), Instant.now().plusSeconds(30));

        assertThat(handler(LOOPBACK_ALLOWED, NO_DNS).handle(job))
                .as("a verdict would end us-east's row in place of its real answer").isEmpty();
    }

    private JobHandler handler(TargetPolicy policy, Resolver resolver) {
        return new JobHandler("eu-west", "eu-west-1", Duration.ofSeconds(5), policy, resolver, prober,
                Clock.systemUTC());
    }

    private static ProbeJob job(String target, PortSet ports, Instant deadline) {
        return new ProbeJob(UUID.randomUUID(), "eu-west", target, ports, 1000, IpFamily.ANY,
                Instant.now(), deadline);
    }

    /** Linux drops SYNs to a listener whose accept queue is full: a port that answers nothing at all. */
    private static List<SocketChannel> fillAcceptQueue(ServerSocket listener) throws Exception {
        List<SocketChannel> fillers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SocketChannel filler = SocketChannel.open();
            filler.configureBlocking(false);
            filler.connect(listener.getLocalSocketAddress());
            fillers.add(filler);
        }
        return fillers;
    }

    private static Resolver fixedResolver(List<String> addresses) {
        return new Resolver((hostname, family) -> HostLookup.Answer.found(addresses.stream().map(a -> {
            try {
                return InetAddress.getByAddress(hostname, InetAddress.getByName(a).getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }).toList()));
    }
}
