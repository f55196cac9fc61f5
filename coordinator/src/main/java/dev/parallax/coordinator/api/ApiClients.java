package dev.parallax.coordinator.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Who a request comes from, as far as limits per client address go. */
final class ApiClients {

    private ApiClients() {
    }

    /**
     * The client's address: an IPv4 address, or the /64 an IPv6 address is in, since one host commonly holds a whole
     * /64 and could otherwise be a new client at every address of it. With
     * {@code quarkus.http.proxy.proxy-address-forwarding} on, Quarkus has already put the forwarded address here.
     */
    static String address(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        if (remote == null || remote.hostAddress() == null) {
            return "unknown";
        }
        String address = remote.hostAddress();
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            Arrays.fill(bytes, 8, 16, (byte) 0);
            return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
