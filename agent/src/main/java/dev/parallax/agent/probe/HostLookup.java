package dev.parallax.agent.probe;

import dev.parallax.common.contract.IpFamily;

import java.net.InetAddress;
import java.util.List;

/** Looks a host name up; {@link DnsLookup} asks DNS itself so that it can say why a lookup failed. */
@FunctionalInterface
public interface HostLookup {

    /** The addresses found, or (when there are none) what the resolver answered instead. */
    record Answer(List<InetAddress> addresses, String failure) {

        public static Answer found(List<InetAddress> addresses) {
            return new Answer(List.copyOf(addresses), null);
        }

        public static Answer failed(String failure) {
            return new Answer(List.of(), failure);
        }
    }

    /** MUST return only addresses of the requested family, and never throw for what DNS answered. */
    Answer lookup(String hostname, IpFamily family);
}
