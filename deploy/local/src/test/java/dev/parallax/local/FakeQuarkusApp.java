package dev.parallax.local;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for a packaged Quarkus app in the LocalStack tests: prints the properties it was given, serves
 * {@code /q/health/ready} (on {@code quarkus.management.port} when it is given, as Quarkus's management interface
 * does), and exits with code 3 on {@code /exit} (a crash the stack must notice).
 * With {@code -Dfake.fail=true} it dies during startup, as an app with bad configuration would.
 */
public final class FakeQuarkusApp {

    private FakeQuarkusApp() {
    }

    public static void main(String[] args) throws IOException {
        System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.startsWith("quarkus.") || n.startsWith("kafka.") || n.startsWith("parallax."))
                .sorted()
                .forEach(n -> System.out.println("property " + n + "=" + System.getProperty(n)));
        if (Boolean.getBoolean("fake.fail")) {
            System.out.println("ERROR fake startup failure: missing configuration");
            System.exit(1);
        }
        String host = System.getProperty("quarkus.http.host", "0.0.0.0");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, Integer.getInteger("quarkus.http.port")), 0);
        HttpServer management = server;
        if (System.getProperty("quarkus.management.port") != null) {
            management = HttpServer.create(new InetSocketAddress(System.getProperty("quarkus.management.host", host),
                    Integer.getInteger("quarkus.management.port")), 0);
        }
        management.createContext("/q/health/ready", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/exit", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            System.exit(3);
        });
        server.start();
        if (management != server) {
            management.start();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake app stopping")));
        System.out.println("fake app ready");
    }
}
