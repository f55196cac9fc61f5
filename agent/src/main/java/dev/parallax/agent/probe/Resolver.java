package dev.parallax.agent.probe;

import dev.parallax.common.contract.IpFamily;
import dev.parallax.common.target.TargetHost;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves a target at the agent, so each region answers with what its own DNS says. IP literals are not
 * resolved. The addresses returned are the ones the agent then checks against the policy and connects to:
 * it never resolves twice.
 */
public class Resolver {

    /** The addresses of the requested family, or why there are none. */
    public record Resolution(List<InetAddress> addresses, long micros, String failure) {

        public boolean resolved() {
            return failure == null;
        }
    }

    public Resolution resolve(TargetHost target, IpFamily family) {
        long start = System.nanoTime();
        List<InetAddress> all;
        try {
            all = target.literalAddress().map(List::of).orElseGet(() -> lookup(target.name()));
        } catch (LookupFailed e) {
            return new Resolution(List.of(), micros(start), e.getMessage());
        }
        Set<InetAddress> wanted = new LinkedHashSet<>();
        for (InetAddress address : all) {
            boolean v4 = address instanceof Inet4Address;
            if (family == IpFamily.ANY || (family == IpFamily.IPV4 && v4)
                    || (family == IpFamily.IPV6 && address instanceof Inet6Address)) {
                wanted.add(address);
            }
        }
        if (wanted.isEmpty()) {
            return new Resolution(List.of(), micros(start), target.name() + " has no "
                    + (family == IpFamily.IPV4 ? "IPv4 (A)" : "IPv6 (AAAA)") + " address");
        }
        return new Resolution(new ArrayList<>(wanted), micros(start), null);
    }

    /** Overridable for tests that must not touch real DNS. */
    protected List<InetAddress> lookup(String hostname) {
        try {
            return List.of(InetAddress.getAllByName(hostname));
        } catch (UnknownHostException e) {
            // The JDK does not say which: NXDOMAIN, no A/AAAA records, SERVFAIL and a timeout all look alike.
            throw new LookupFailed(hostname + ": no address found (no such name, no address records, or the"
                    + " resolver failed)");
        } catch (SecurityException e) {
            throw new LookupFailed(hostname + ": lookup refused: " + e.getMessage());
        }
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000;
    }

    /** A failed lookup; its message is what the region reports as UNRESOLVED. */
    public static class LookupFailed extends RuntimeException {
        public LookupFailed(String message) {
            super(message);
        }
    }
}
