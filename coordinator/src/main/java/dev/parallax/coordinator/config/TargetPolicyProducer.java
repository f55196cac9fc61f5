package dev.parallax.coordinator.config;

import dev.parallax.common.targeting.TargetPolicy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one target policy of the coordinator: the default blocked ranges opened by {@code parallax.targets.allow},
 * with the network's own NAT64 prefixes ({@code parallax.targets.nat64-prefixes}) judged by the IPv4 inside.
 * Check targets and webhook receivers are judged by the same policy.
 */
public class TargetPolicyProducer {

    @Produces
    @Singleton
    TargetPolicy targetPolicy(ParallaxConfig config) {
        return TargetPolicy.fromConfig(config.targets().allow().orElse(""),
                config.targets().nat64Prefixes().orElse(""));
    }
}
