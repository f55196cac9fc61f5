package dev.parallax.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** What the launcher's tests ask of a loopback port. */
final class Loopback {

    private Loopback() {
    }

    /** Whether something accepts a TCP connection on the loopback port (within 2 s). */
    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
