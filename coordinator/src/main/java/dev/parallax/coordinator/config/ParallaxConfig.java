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

    interface Regions {
        /** Regions a check may name; empty accepts any well-formed region name. */
        Optional<List<String>> known();
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

        /** Added to the probe timeout to give a check its deadline: queueing, DNS and delivery time. */
        @WithDefault("PT30S")
        Duration deadlineGrace();

        /** How often the deadline sweeper looks for checks past their deadline. */
        @WithDefault("PT1S")
        Duration sweepInterval();
    }

    interface Targets {
        /** Comma-separated CIDRs opened despite the default blocked ranges. */
        Optional<String> allow();
    }

    interface Outbox {
        @WithDefault("PT5S")
        Duration sweepInterval();

        @WithDefault("200")
        int batchSize();

        @WithDefault("PT10S")
        Duration sendTimeout();

        @WithDefault("PT30S")
        Duration maxBackoff();
    }
}
