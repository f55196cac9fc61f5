package dev.parallax.coordinator.api;

import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.Optional;

/**
 * The base of every link the API answers with ({@code Location}, {@code self}, {@code next}): the configured
 * {@code parallax.api.public-url}, or else the request's own scheme and host, which {@link RequestOrigins} has checked
 * against {@code parallax.api.allowed-hosts} when that is set. Never an unchecked {@code Host} of a deployment that
 * configured either.
 */
@ApplicationScoped
public class ApiLinks {

    private final Optional<URI> publicUrl;

    public ApiLinks(ParallaxConfig config) {
        this.publicUrl = config.api().publicUrl();
        publicUrl.ifPresent(url -> {
            if (url.getScheme() == null || url.getHost() == null || url.getRawQuery() != null
                    || url.getRawFragment() != null) {
                throw new IllegalArgumentException("parallax.api.public-url must be an absolute http(s) URL without "
                        + "query or fragment, e.g. https://parallax.example.com; got " + url);
            }
        });
    }

    /** A new builder at the root the API's paths hang from, for this request. */
    public UriBuilder base(UriInfo request) {
        return publicUrl.map(UriBuilder::fromUri).orElseGet(request::getBaseUriBuilder);
    }
}
