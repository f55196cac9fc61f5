package dev.parallax.coordinator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The coordinator's own settings ({@code parallax.*} in application.properties). */
@ConfigMapping(prefix = "parallax")
public interface ParallaxConfig {

    Regions regions();

    Checks checks();

    Targets targets();

    Outbox outbox();

    Agents agents();

    Schedules schedules();

    interface Regions {
        /**
         * The regions a check may name, and the ones it gets when it names none. Required: accepting any
         * name would let a caller create topics at will and queue jobs nobody consumes.
         */
        List<String> known();

        /**
         * The partitions every region's jobs topic has at least (at least 1; a topic with more keeps them).
         * A region's agents share its jobs as one consumer group, and a group hands out whole partitions:
         * agents beyond this count in one region sit idle.
         */
        @WithDefault("6")
        int jobPartitions();
    }

    interface Checks {
        @WithDefault("1024")
        int maxPorts();

        @WithDefault("32")
        int maxRegions();

        @WithDefault("PT2S")
        Duration defaultTimeout();

        @WithDefault("PT0.1S")
        Duration minTimeout();

        @WithDefault("PT10S")
        Duration maxTimeout();

        /** Added to the probing time to give a check its deadline: queueing, DNS and delivery time. */
        @WithDefault("PT30S")
        Duration deadlineGrace();

        /**
         * How many probes an agent runs at once (its {@code parallax.agent.max-in-flight}); a check's ports
         * take ceil(ports / this) timeouts to probe, and its deadline allows for that.
         */
        @WithDefault("256")
        int agentParallelism();

        /** How often the deadline sweeper looks for checks past their deadline. */
        @WithDefault("PT1S")
        Duration sweepInterval();
    }

    interface Targets {
        /** Comma-separated CIDRs opened despite the default blocked ranges. */
        Optional<String> allow();
    }

    interface Agents {
        /** An agent not heard from for this long is offline (a few missed heartbeats). */
        @WithDefault("PT15S")
        Duration offlineAfter();
    }

    interface Schedules {
        /** The shortest interval a schedule may have (for cron, its densest gap between runs). */
        @WithDefault("PT10S")
        Duration minInterval();

        @WithDefault("100")
        int maxPerOwner();

        /** How often each coordinator looks for due schedules: the most a run fires late when all is well. */
        @WithDefault("PT0.25S")
        Duration pollInterval();

        /** Schedules fired per transaction. */
        @WithDefault("200")
        int batchSize();
    }

    interface Outbox {
        @WithDefault("PT5S")
        Duration sweepInterval();

        @WithDefault("200")
        int batchSize();

        @WithDefault("PT40S")
        Duration sendTimeout();

        @WithDefault("PT30S")
        Duration maxBackoff();
    }
}
