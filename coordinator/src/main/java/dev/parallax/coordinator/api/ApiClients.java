package dev.parallax.coordinator.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/** Who a request comes from, as far as limits per client address go. */
final class ApiClients {

    private ApiClients() {
    }

    /**
     * The client's address. With {@code quarkus.http.proxy.proxy-address-forwarding} on, Quarkus has already put the
     * forwarded address here.
     */
    static String address(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }
}
