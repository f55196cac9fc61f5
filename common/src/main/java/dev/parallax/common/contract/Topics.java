package dev.parallax.common.contract;

import java.util.regex.Pattern;

/** Kafka topic names shared by the coordinator and the agents. */
public final class Topics {

    /** Verdicts from every agent, keyed by check id. */
    public static final String VERDICTS = "parallax.verdicts";
    /** Agent heartbeats, compacted, keyed by agent id. */
    public static final String HEARTBEATS = "parallax.heartbeats";
    /** Prefix of the per-region job topics: {@code parallax.jobs.<region>}. */
    public static final String JOBS_PREFIX = "parallax.jobs.";
    /** Verdicts that break the contract, parked by the coordinator with {@link #DEAD_LETTER_REASON}. */
    public static final String VERDICTS_DEAD_LETTERS = "parallax.verdicts.dlq";
    /** Suffix of a region's dead-letter topic for jobs that break the contract: {@code parallax.jobs.<region>.dlq}. */
    public static final String DEAD_LETTERS_SUFFIX = ".dlq";
    /** Header of a parked record saying why it was parked (as SmallRye's dead-letter queue names it). */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";

    /** The consumer group the coordinators share the verdicts topic in. */
    public static final String COORDINATOR_GROUP = "parallax-coordinator";

    /** Region names double as topic-name suffixes, so they keep to what every Kafka and DNS tool accepts. */
    public static final Pattern REGION_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    private Topics() {
    }

    public static String jobs(String region) {
        requireRegionName(region);
        return JOBS_PREFIX + region;
    }

    /** The consumer group a region's agents share its jobs topic in. */
    public static String agentGroup(String region) {
        requireRegionName(region);
        return "parallax-agent-" + region;
    }

    public static String requireRegionName(String region) {
        if (region == null || !REGION_NAME.matcher(region).matches()) {
            throw new IllegalArgumentException("region names are 1-32 characters of a-z, 0-9 and '-', starting"
                    + " with a letter; got '" + region + "'");
        }
        return region;
    }
}
