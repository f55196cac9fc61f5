package dev.parallax.agent.probe;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.targeting.TargetHost;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Resolves a target at the agent, so each region answers with what its own DNS says. IP literals are not
 * resolved. The addresses returned are the ones the agent then checks against the policy and connects to:
 * it never resolves twice.
 */
public class Resolver {

    /** The addresses of the requested family, or why there are none, and how long finding out took. */
    public record Resolution(List<InetAddress> addresses, long micros, String failure) {

        public boolean resolved() {
            return failure == null;
        }
    }

    private final HostLookup lookup;

    public Resolver(HostLookup lookup) {
        this.lookup = lookup;
    }

    public Resolution resolve(TargetHost target, IpFamily family) {
        long start = System.nanoTime();
        if (target.isIpLiteral()) {
            InetAddress literal = target.literalAddress().orElseThrow();
            boolean v4 = literal instanceof Inet4Address;
            if (family == IpFamily.IPV4 && !v4 || family == IpFamily.IPV6 && v4) {
                return new Resolution(List.of(), micros(start), target.name() + " is not an "
                        + (family == IpFamily.IPV4 ? "IPv4" : "IPv6") + " address");
            }
            return new Resolution(List.of(literal), micros(start), null);
        }
        HostLookup.Answer answer = lookup.lookup(target.name(), family);
        if (answer.addresses().isEmpty()) {
            String failure = answer.failure() == null ? target.name() + " has no address" : answer.failure();
            return new Resolution(List.of(), micros(start), failure);
        }
        return new Resolution(answer.addresses(), micros(start), null);
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000;
    }
}
