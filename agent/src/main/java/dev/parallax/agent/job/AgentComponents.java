package dev.parallax.agent.job;

import dev.parallax.agent.config.AgentConfig;
import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.agent.probe.Resolver;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.target.TargetPolicy;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;

/** Wires the plain-Java probe engine and job handler into CDI, from the agent's configuration. */
public class AgentComponents {

    @Produces
    @Singleton
    ConnectProber prober(AgentConfig config) {
        int threads = config.agent().selectorThreads();
        return threads > 0 ? new ConnectProber(config.agent().maxInFlight(), threads)
                : new ConnectProber(config.agent().maxInFlight());
    }

    void closeProber(@Disposes ConnectProber prober) {
        prober.close();
    }

    @Produces
    @Singleton
    @DefaultBean
    Resolver resolver() {
        return new Resolver();
    }

    @Produces
    @Singleton
    JobHandler jobHandler(AgentConfig config, Resolver resolver, ConnectProber prober) {
        String region = Topics.requireRegionName(config.agent().region());
        String agentId = config.agent().id().orElseGet(() -> region + "-" + hostname());
        return new JobHandler(region, agentId, config.agent().maxTimeout(),
                TargetPolicy.fromConfig(config.targets().allow().orElse("")), resolver, prober, Clock.systemUTC());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "agent";
        }
    }
}
