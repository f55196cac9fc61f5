package dev.parallax.coordinator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
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

    Uptime uptime();

    Retention retention();

    Alerts alerts();

    Auth auth();

    Quotas quotas();

    Api api();

    Management management();

    Metrics metrics();

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

        /**
         * Comma-separated network-specific NAT64 prefixes (RFC 6052: IPv6 /32, /40, /48, /56, /64 or /96) of the
         * network this app runs in, whose addresses are judged by the IPv4 address inside.
         */
        Optional<String> nat64Prefixes();
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

    interface Alerts {
        /** How often each coordinator looks for completed runs to evaluate and for webhooks to deliver. */
        @WithDefault("PT0.5S")
        Duration pollInterval();

        /** Connect and answer time a webhook receiver gets per attempt. */
        @WithDefault("PT5S")
        Duration webhookTimeout();

        /** Attempts per event before its delivery is given up as FAILED. */
        @WithDefault("8")
        int webhookMaxAttempts();

        /** Wait before the second attempt; doubled for each further one, up to the maximum. */
        @WithDefault("PT1S")
        Duration webhookFirstRetry();

        @WithDefault("PT5M")
        Duration webhookMaxBackoff();
    }

    interface Uptime {
        /**
         * How often each coordinator adds completed scheduled checks into the hourly uptime aggregates: how far
         * the uptime of a schedule may lag its runs. At least one second (quarkus-scheduler checks its triggers
         * once a second).
         */
        @WithDefault("PT30S")
        Duration rollupInterval();

        /** Checks added per transaction; a full batch is followed by the next one at once. */
        @WithDefault("200")
        int rollupBatchSize();
    }

    interface Retention {
        /** False keeps every check and its results for ever (the disk grows with every run). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Checks created longer ago than this are deleted with their results, except a scheduled check the uptime
         * rollup has not added yet. At least one hour: a shorter age is almost surely a typo (PT30M for P30D) and
         * would delete checks whose clients are still reading them.
         */
        @WithDefault("P30D")
        Duration resultsMaxAge();

        /** How often each coordinator deletes what is past the age. */
        @WithDefault("PT10M")
        Duration interval();

        /** Checks deleted per transaction, with their region and port results. */
        @WithDefault("1000")
        int batchSize();

        /** Batches per run, so a large backlog is worked off over several runs instead of in one long one. */
        @WithDefault("100")
        int maxBatchesPerRun();
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

        /**
         * Fault-test hook, never for production: after a commit wakes the relay, it waits this long before
         * publishing, which widens the window in which a crash leaves committed rows unpublished. Sweeps (at
         * startup and every sweep-interval) are not delayed.
         */
        Optional<Duration> publishDelayAfterCommit();
    }

    interface Auth {
        /**
         * A key with the admin scope that exists from startup (stored hashed, like any key): the way to create the
         * first keys. At least 32 characters; give it through the environment (PARALLAX_AUTH_ADMIN_KEY), never in a
         * file under version control.
         */
        Optional<String> adminKey();

        Anonymous anonymous();

        interface Anonymous {
            /**
             * Callers without a key are served as owner "anonymous" (all of them one owner, rate-limited per client
             * address) instead of getting 401. Off by default; the local stack turns it on.
             */
            @WithDefault("false")
            boolean enabled();

            /** Check cost (ports x regions) one client address may spend per hour. */
            @WithDefault("100")
            int costPerHour();

            /** Requests one client address may make per second (with a burst of twice that). */
            @WithDefault("2")
            int requestsPerSecond();
        }
    }

    interface Quotas {
        /** Check cost (ports x regions) a key may spend per hour, unless the key has its own figure. */
        @WithDefault("10000")
        int costPerHour();

        /** Requests a key may make per second (with a burst of twice that), unless the key has its own figure. */
        @WithDefault("20")
        int requestsPerSecond();
    }

    interface Api {
        /** The largest request body accepted; a larger one gets 413 before it is read, a chunked one once it is. */
        @WithDefault("8192")
        int maxBodyBytes();

        /** A request body must arrive whole within this long of its headers, or the request gets 408. */
        @WithDefault("PT5S")
        Duration bodyTimeout();

        /** Request bodies one client address may be sending at once; the next request gets 429. */
        @WithDefault("8")
        int maxBodiesPerClient();

        /** Event streams one coordinator serves at once; the next gets 503. */
        @WithDefault("1000")
        int maxStreams();

        /** Event streams one key (or anonymous client address) may hold open at once; the next gets 429. */
        @WithDefault("20")
        int maxStreamsPerCaller();

        /**
         * The host names ({@code Host} header, without the port) the coordinator answers to; any other gets 421, so
         * that a name an attacker points at it (DNS rebinding) reaches nothing. Absent: every host.
         */
        Optional<List<String>> allowedHosts();

        /**
         * The coordinator's public base URL, e.g. {@code https://parallax.example.com}, for the links it answers with
         * ({@code Location}, {@code self}, {@code next}). Absent: the scheme and host of the request.
         */
        Optional<URI> publicUrl();

        /**
         * API requests one coordinator works on or queues at once; the next gets 503 with Retry-After at once. Event
         * streams are not counted (they have their own bound).
         */
        @WithDefault("256")
        int maxInFlight();
    }

    interface Management {
        /**
         * Host names the management port (health, metrics) answers to beside IP addresses and {@code localhost},
         * e.g. the service name a Prometheus scrapes by; any other gets 421 (DNS rebinding).
         */
        Optional<List<String>> allowedHosts();
    }

    interface Metrics {
        /**
         * How often the gauges that need a query (outbox backlog and age, the agents' lag on each region's jobs
         * topic) are refreshed: a scrape reads the last figures and never waits on PostgreSQL or Kafka.
         */
        @WithDefault("PT5S")
        Duration refreshInterval();
    }
}
