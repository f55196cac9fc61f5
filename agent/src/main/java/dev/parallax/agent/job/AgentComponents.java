package dev.parallax.agent.job;

import dev.parallax.agent.config.AgentConfig;
import dev.parallax.agent.probe.ConnectProber;
import dev.parallax.agent.probe.DnsLookup;
import dev.parallax.agent.probe.Resolver;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.targeting.TargetPolicy;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.arc.DefaultBean;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

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
    Resolver resolver(AgentConfig config, Vertx vertx) {
        List<InetSocketAddress> servers = config.agent().dns().servers()
                .map(list -> list.stream().map(AgentComponents::server).toList())
                .orElseGet(() -> DnsLookup.systemServers(Path.of("/etc/resolv.conf")));
        return new Resolver(new DnsLookup(vertx, servers, config.agent().dns().timeout()));
    }

    private static InetSocketAddress server(String text) {
        String value = text.strip();
        int colon = value.lastIndexOf(':');
        boolean bracketed = value.startsWith("[");
        if (bracketed) {
            int close = value.indexOf(']');
            String host = value.substring(1, close);
            int port = close + 1 < value.length() ? Integer.parseInt(value.substring(close + 2)) : 53;
            return new InetSocketAddress(host, port);
        }
        if (colon > 0 && value.indexOf(':') == colon) {
            return new InetSocketAddress(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        }
        return new InetSocketAddress(value, 53);
    }

    @Produces
    @Singleton
    JobHandler jobHandler(AgentConfig config, Resolver resolver, ConnectProber prober) {
        String region = Topics.requireRegionName(config.agent().region());
        String agentId = config.agent().id().orElseGet(() -> region + "-" + hostname());
        return new JobHandler(region, agentId, config.agent().maxTimeout(),
                TargetPolicy.fromConfig(config.targets().allow().orElse(""),
                        config.targets().nat64Prefixes().orElse("")), resolver, prober, Clock.systemUTC());
    }

    /** The agent's region and id on every meter, so a fleet's metrics can be told apart and summed by region. */
    @Produces
    @Singleton
    MeterFilter regionAndAgentTags(JobHandler handler) {
        return MeterFilter.commonTags(Tags.of("region", handler.region(), "agent", handler.agentId()));
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "agent";
        }
    }
}
