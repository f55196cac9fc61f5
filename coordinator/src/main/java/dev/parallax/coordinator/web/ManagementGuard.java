package dev.parallax.coordinator.web;

import dev.parallax.coordinator.api.HostNames;
import dev.parallax.coordinator.api.problem.RequestFailures;
import dev.parallax.coordinator.api.problem.RoutingProblems;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may read the management port (health and metrics), which is for probes and Prometheus, never for a web page:
 * <ul>
 *   <li>a request with an {@code Origin} (a page's script) gets 403, since Quarkus answers the management port's
 *       cross-origin requests with {@code Access-Control-Allow-Origin: *};</li>
 *   <li>a {@code Host} other than an IP address, {@code localhost} or one of
 *       {@code parallax.management.allowed-hosts} gets 421: a page that makes a name of its own resolve to the port's
 *       address (DNS rebinding) reaches nothing. Kubernetes probes and pod-annotation scrapes ask by address.</li>
 * </ul>
 * Requests the HTTP layer refuses (no {@code Host}) get a problem and a DEBUG line, as on the API's port.
 */
@ApplicationScoped
public class ManagementGuard {

    private final RoutingProblems problems;
    private final RequestFailures failures;
    private final Set<String> allowedNames;

    public ManagementGuard(RoutingProblems problems, RequestFailures failures, ParallaxConfig config) {
        this.problems = problems;
        this.failures = failures;
        this.allowedNames = config.management().allowedHosts().orElse(List.of()).stream()
                .map(HostNames::normalize).collect(Collectors.toUnmodifiableSet());
    }

    void register(@Observes ManagementInterface management) {
        management.router().route().order(Integer.MIN_VALUE).handler(this::check)
                .failureHandler(failures::handle);
    }

    private void check(RoutingContext routing) {
        if (routing.request().getHeader(HttpHeaders.ORIGIN) != null) {
            problems.sendAndClose(routing, 403, "origin-refused", "Cross-origin request refused", "the management "
                    + "port answers probes and scrapers, not web pages", Map.of());
            return;
        }
        String host = HostNames.of(routing.request());
        // An HTTP/1.0 request may name no host (health checkers often do); browsers always name one.
        boolean unnamed = host.isEmpty() && routing.request().version() == HttpVersion.HTTP_1_0;
        if (!unnamed && !isAllowed(host)) {
            problems.sendAndClose(routing, 421, "misdirected-request", "Misdirected request", "the management port "
                    + "answers to its IP address, localhost and parallax.management.allowed-hosts, not to the host name"
                    + " '" + RoutingProblems.printable(host) + "'", Map.of());
            return;
        }
        routing.next();
    }

    private boolean isAllowed(String host) {
        return host.equals("localhost") || allowedNames.contains(host) || HostNames.isAddress(host);
    }
}
