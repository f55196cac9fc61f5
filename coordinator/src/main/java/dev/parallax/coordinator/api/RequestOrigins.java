package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.RoutingProblems;
import dev.parallax.coordinator.config.ParallaxConfig;
import io.quarkus.vertx.http.runtime.cors.CORSFilter;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.parallax.coordinator.api.problem.RoutingProblems.printable;

/**
 * Which names and which web pages may reach the coordinator, checked on the event loop once the framing is sound
 * ({@link RequestFraming}), before Quarkus's CORS filter and the API's own:
 * <ul>
 *   <li>a {@code Host} outside {@code parallax.api.allowed-hosts} (when set) gets 421: a page that makes its own
 *       name resolve to the coordinator's address (DNS rebinding) reaches nothing; and an absolute-form request
 *       target must name the same host as {@code Host}, else 400, since links are built from it;</li>
 *   <li>a request from another web page ({@code Origin} neither the coordinator's own nor one of
 *       {@code quarkus.http.cors.origins}) gets 403, so a page open in the user's browser cannot drive a coordinator
 *       that serves anonymous callers, cross-site.</li>
 * </ul>
 * The origins allowed are exactly those of Quarkus's CORS filter, which runs next and answers their preflight
 * requests; this filter only turns its refusal, a bare 403, into a problem.
 */
@ApplicationScoped
public class RequestOrigins {

    /** Ahead of Quarkus's CORS filter (300) and of the API's own filters (higher runs first). */
    static final int PRIORITY = 400;

    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;
    private final List<Pattern> allowedOriginPatterns;
    private final boolean anyOrigin;
    private final RoutingProblems problems;

    public RequestOrigins(ParallaxConfig config, RoutingProblems problems,
                          @ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> corsOrigins) {
        this.allowedHosts = config.api().allowedHosts().orElse(List.of()).stream()
                .map(HostNames::normalize).filter(host -> !host.isEmpty()).collect(Collectors.toSet());
        this.allowedOrigins = corsOrigins.orElse(List.of()).stream().map(String::strip).collect(Collectors.toSet());
        this.allowedOriginPatterns = CORSFilter.parseAllowedOriginsRegex(corsOrigins);
        // As Quarkus reads it: "*" (or the pattern /.*/) alone allows every origin; nothing configured, none but ours.
        this.anyOrigin = allowedOrigins.size() == 1
                && (allowedOrigins.contains("*") || allowedOrigins.contains("/.*/"));
        this.problems = problems;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        String host = HostNames.of(request);
        String targetHost = absoluteTargetHost(request.uri());
        if (targetHost != null && !targetHost.equals(host)) {
            // An absolute-form target (RFC 9112 3.2.2) names the host the links would be built from: it must be the
            // one the Host header names, which is checked below.
            problems.sendAndClose(routing, 400, "misdirected-request", "Misdirected request", "the request target "
                    + "names the host '" + printable(targetHost) + "' and the Host header '" + printable(host)
                    + "'; send the path alone, as in GET /api/v1/regions", Map.of());
            return;
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(host)) {
            problems.sendAndClose(routing, 421, "misdirected-request", "Misdirected request", "this coordinator "
                    + "does not answer to the host name '" + printable(host) + "'; use one of "
                    + String.join(", ", allowedHosts.stream().sorted().toList()), Map.of());
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !originAllowed(origin, request)) {
            problems.sendAndClose(routing, 403, "origin-refused", "Cross-origin request refused", "requests from "
                    + "the web page at '" + printable(origin) + "' are not accepted; only this coordinator's own page "
                    + "and the origins of quarkus.http.cors.origins may call it", Map.of());
            return;
        }
        routing.next();
    }

    private boolean originAllowed(String origin, HttpServerRequest request) {
        return anyOrigin || allowedOrigins.contains(origin)
                || CORSFilter.isOriginAllowedByRegex(allowedOriginPatterns, origin)
                || sameOrigin(origin, request);
    }

    /** The origin is the page's scheme, host and port; the same as the request's own means the coordinator's page. */
    private static boolean sameOrigin(String origin, HttpServerRequest request) {
        URI page;
        try {
            page = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = request.scheme() == null ? "http" : request.scheme().toLowerCase(Locale.ROOT);
        if (page.getScheme() == null || page.getHost() == null || page.getRawPath() != null && !page.getRawPath()
                .isEmpty() || !page.getScheme().equalsIgnoreCase(scheme)) {
            return false;
        }
        HostAndPort own = request.authority();
        if (own == null) {
            return false;
        }
        int ownPort = own.port() >= 0 ? own.port() : defaultPort(scheme);
        int pagePort = page.getPort() >= 0 ? page.getPort() : defaultPort(scheme);
        // Compared as written, as Quarkus's CORS filter compares it: an origin it would refuse must be refused here.
        return stripBrackets(own.host()).equals(stripBrackets(page.getHost())) && ownPort == pagePort;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** The host of an absolute-form request target ({@code http://host/path}), "" if it has none; null for a path. */
    private static String absoluteTargetHost(String target) {
        if (target == null || target.startsWith("/") || target.equals("*")) {
            return null;
        }
        try {
            String targetHost = new URI(target).getHost();
            return targetHost == null ? "" : HostNames.normalize(targetHost);
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
