package dev.parallax.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The agent's settings ({@code parallax.*} in application.properties). */
@ConfigMapping(prefix = "parallax")
public interface AgentConfig {

    Agent agent();

    Targets targets();

    interface Agent {
        /** The region this agent probes from; it consumes {@code parallax.jobs.<region>}. */
        String region();

        /** Unique per agent; defaults to {@code <region>-<hostname>}. */
        Optional<String> id();

        /** A job's timeout is cut to this, whatever it asks. */
        @WithDefault("PT10S")
        Duration maxTimeout();

        /** Sockets connecting at once, across all jobs of this agent. */
        @WithDefault("256")
        int maxInFlight();

        /**
         * Jobs run at once, each on its own virtual thread; more wait in order. A job's thread only waits on the
         * probe engine, which bounds the sockets ({@link #maxInFlight()}).
         */
        @WithDefault("64")
        int maxJobs();

        /** Selector threads of the probe engine; 0 means one per core. */
        @WithDefault("0")
        int selectorThreads();

        Dns dns();

        /** How often the agent tells the coordinator it is alive. */
        @WithDefault("PT5S")
        Duration heartbeatInterval();
    }

    interface Dns {
        /** Name servers to ask, {@code host} or {@code host:port} ({@code [v6]:port}); default: /etc/resolv.conf. */
        Optional<List<String>> servers();

        /** How long one server may take to answer. */
        @WithDefault("PT5S")
        Duration timeout();
    }

    interface Targets {
        /** Comma-separated CIDRs opened despite the default blocked ranges. */
        Optional<String> allow();

        /**
         * Comma-separated network-specific NAT64 prefixes (RFC 6052: IPv6 /32, /40, /48, /56, /64 or /96) of the
         * network this app runs in, whose addresses are judged by the IPv4 address inside.
         */
        Optional<String> nat64Prefixes();
    }
}
