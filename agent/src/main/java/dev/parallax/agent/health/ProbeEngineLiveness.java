package dev.parallax.agent.health;

import dev.parallax.agent.probe.ConnectProber;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Live while every selector thread of the probe engine runs: without one, its share of probes never ends. */
@Liveness
@ApplicationScoped
public class ProbeEngineLiveness implements HealthCheck {

    private final ConnectProber prober;

    public ProbeEngineLiveness(ConnectProber prober) {
        this.prober = prober;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("probe engine")
                .status(prober.running())
                .withData("in-flight", prober.inFlight())
                .build();
    }
}
