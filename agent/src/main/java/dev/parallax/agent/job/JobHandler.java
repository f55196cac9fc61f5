package dev.parallax.agent.job;

import dev.parallax.agent.probe.Prober;
import dev.parallax.agent.probe.ProberClosedException;
import dev.parallax.agent.probe.Resolver;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.ProbeJob;
import dev.parallax.common.contract.ProbeVerdict;
import dev.parallax.common.contract.RegionStatus;
import dev.parallax.common.targeting.InvalidTargetException;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.common.targeting.TargetPolicy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns one {@link ProbeJob} into one {@link ProbeVerdict}: drop it if expired, resolve the target here,
 * refuse blocked addresses, probe every (address, port), and answer before the job's deadline. Every job
 * of this agent's region ends in a verdict.
 */
public class JobHandler {

    /** Time kept back from the job's deadline for publishing the verdict and storing it. */
    static final Duration DELIVERY_MARGIN = Duration.ofSeconds(2);

    private final String region;
    private final String agentId;
    private final Duration maxTimeout;
    private final TargetPolicy policy;
    private final Resolver resolver;
    private final Prober prober;
    private final Clock clock;

    public JobHandler(String region, String agentId, Duration maxTimeout, TargetPolicy policy, Resolver resolver,
                      Prober prober, Clock clock) {
        this.region = region;
        this.agentId = agentId;
        this.maxTimeout = maxTimeout;
        this.policy = policy;
        this.resolver = resolver;
        this.prober = prober;
        this.clock = clock;
    }

    public String region() {
        return region;
    }

    public String agentId() {
        return agentId;
    }

    /**
     * The verdict for a job of this agent's region; empty for a job of another region, which this agent must
     * not answer: its verdict would end that region's row in place of the real answer.
     *
     * @throws ProberClosedException when the agent is stopping: the job is left for redelivery
     */
    public Optional<ProbeVerdict> handle(ProbeJob job) {
        if (!region.equals(job.region())) {
            return Optional.empty();
        }
        Instant started = clock.instant();
        Duration budget = Duration.between(started, job.deadline()).minus(DELIVERY_MARGIN);
        if (job.isExpiredAt(started) || budget.isNegative() || budget.isZero()) {
            return Optional.of(verdict(job, RegionStatus.EXPIRED, "received at " + started + ", too late for the"
                    + " job's deadline " + job.deadline() + "; not probed", null, started));
        }
        TargetHost target;
        try {
            target = TargetHost.parse(job.target());
        } catch (InvalidTargetException e) {
            // The coordinator never sends such a target, so the job did not come from it. Forms like 127.1,
            // 2130706433 or 0177.0.0.1 are what a lenient resolver turns into a blocked address: refuse, never look up.
            return Optional.of(verdict(job, RegionStatus.BLOCKED, "target refused: not a host name or a strict IP"
                    + " address: " + e.getMessage(), null, started));
        }
        Resolver.Resolution resolution = resolver.resolve(target, job.ipFamily());
        if (!resolution.resolved()) {
            return Optional.of(verdict(job, RegionStatus.UNRESOLVED, resolution.failure(), resolution, started));
        }
        TargetPolicy.Decision decision = policy.evaluateAll(resolution.addresses());
        if (!decision.allowed()) {
            return Optional.of(verdict(job, RegionStatus.BLOCKED, decision.reason(), resolution, started));
        }
        List<InetSocketAddress> targets = new ArrayList<>(resolution.addresses().size() * job.ports().size());
        for (InetAddress address : resolution.addresses()) {
            job.ports().stream().forEach(port -> targets.add(new InetSocketAddress(address, port)));
        }
        Duration timeout = Duration.ofMillis(job.timeoutMs());
        if (timeout.compareTo(maxTimeout) > 0) {
            timeout = maxTimeout;
        }
        budget = Duration.between(clock.instant(), job.deadline()).minus(DELIVERY_MARGIN);
        List<PortVerdict> ports;
        try {
            // The prober ends the batch within the budget; the extra second only guards against a stuck engine.
            ports = prober.probe(targets, timeout, budget)
                    .get(Math.max(0, budget.toMillis()) + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProberClosedException();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProberClosedException closed) {
                throw closed;
            }
            return Optional.of(verdict(job, RegionStatus.FAILED, "probe engine failed: " + describe(e.getCause()),
                    resolution, started));
        } catch (TimeoutException e) {
            return Optional.of(verdict(job, RegionStatus.FAILED, "probe engine did not answer within the job's time",
                    resolution, started));
        }
        return Optional.of(new ProbeVerdict(UUID.randomUUID(), job.checkId(), job.region(), agentId,
                RegionStatus.DONE, null, addresses(resolution), resolution.micros(), ports, started, clock.instant()));
    }

    /** A FAILED verdict for a job whose handling broke unexpectedly, so its region still gets an answer. */
    /**
     * FAILED for a job of this region that breaks the contract but still names its check: the coordinator then
     * ends the region at once with the reason, instead of at the deadline.
     */
    public ProbeVerdict brokenJob(UUID checkId, String reason) {
        Instant now = clock.instant();
        return new ProbeVerdict(UUID.randomUUID(), checkId, region, agentId, RegionStatus.FAILED,
                "job breaks the contract: " + reason, List.of(), 0, List.of(), now, now);
    }

    public ProbeVerdict failed(ProbeJob job, Throwable failure) {
        return verdict(job, RegionStatus.FAILED, "agent error: " + describe(failure), null, clock.instant());
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

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
