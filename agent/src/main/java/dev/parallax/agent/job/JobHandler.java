package dev.parallax.agent.job;

import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.agent.probe.Resolver;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.target.InvalidTargetException;
import dev.parallax.common.target.TargetHost;
import dev.parallax.common.target.TargetPolicy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Turns one {@link ProbeJob} into one {@link ProbeVerdict}: drop it if expired, resolve the target here,
 * refuse blocked addresses, probe every (address, port). Every path ends in a verdict; a job never vanishes.
 */
public class JobHandler {

    private final String region;
    private final String agentId;
    private final Duration maxTimeout;
    private final TargetPolicy policy;
    private final Resolver resolver;
    private final ConnectProber prober;
    private final Clock clock;

    public JobHandler(String region, String agentId, Duration maxTimeout, TargetPolicy policy, Resolver resolver,
                      ConnectProber prober, Clock clock) {
        this.region = region;
        this.agentId = agentId;
        this.maxTimeout = maxTimeout;
        this.policy = policy;
        this.resolver = resolver;
        this.prober = prober;
        this.clock = clock;
    }

    public ProbeVerdict handle(ProbeJob job) {
        Instant started = clock.instant();
        if (job.isExpiredAt(started)) {
            return verdict(job, RegionStatus.EXPIRED, "received at " + started + ", after the job's deadline "
                    + job.deadline() + "; not probed", null, started);
        }
        if (!region.equals(job.region())) {
            return verdict(job, RegionStatus.FAILED, "job for region " + job.region() + " reached agent "
                    + agentId + " of region " + region, null, started);
        }
        TargetHost target;
        try {
            target = TargetHost.parse(job.target());
        } catch (InvalidTargetException e) {
            return verdict(job, RegionStatus.FAILED, "invalid target in job: " + e.getMessage(), null, started);
        }
        Resolver.Resolution resolution = resolver.resolve(target, job.ipFamily());
        if (!resolution.resolved()) {
            return verdict(job, RegionStatus.UNRESOLVED, resolution.failure(), resolution, started);
        }
        TargetPolicy.Decision decision = policy.evaluateAll(resolution.addresses());
        if (!decision.allowed()) {
            return verdict(job, RegionStatus.BLOCKED, decision.reason(), resolution, started);
        }
        List<InetSocketAddress> targets = new ArrayList<>(resolution.addresses().size() * job.ports().size());
        for (InetAddress address : resolution.addresses()) {
            job.ports().stream().forEach(port -> targets.add(new InetSocketAddress(address, port)));
        }
        Duration timeout = Duration.ofMillis(job.timeoutMs());
        if (timeout.compareTo(maxTimeout) > 0) {
            timeout = maxTimeout;
        }
        List<PortVerdict> ports;
        try {
            ports = prober.probe(targets, timeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return verdict(job, RegionStatus.FAILED, "agent interrupted while probing", resolution, started);
        } catch (ExecutionException e) {
            return verdict(job, RegionStatus.FAILED, "probe engine failed: " + e.getCause().getMessage(),
                    resolution, started);
        }
        return new ProbeVerdict(UUID.randomUUID(), job.checkId(), job.region(), agentId, RegionStatus.DONE, null,
                addresses(resolution), resolution.micros(), ports, started, clock.instant());
    }

    private ProbeVerdict verdict(ProbeJob job, RegionStatus status, String message, Resolver.Resolution resolution,
                                 Instant started) {
        return new ProbeVerdict(UUID.randomUUID(), job.checkId(), job.region(), agentId, status, message,
                resolution == null ? List.of() : addresses(resolution),
                resolution == null ? 0 : resolution.micros(), List.of(), started, clock.instant());
    }

    private static List<String> addresses(Resolver.Resolution resolution) {
        return resolution.addresses().stream().map(InetAddress::getHostAddress).toList();
    }
}
