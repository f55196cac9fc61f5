package dev.parallax.agent.probe;

import dev.parallax.common.contract.IpFamily;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks DNS directly (A and AAAA, in parallel), so a failed lookup says what the resolver answered:
 * NXDOMAIN, another response code, or nothing before the timeout. The JDK's resolver folds all of those
 * into one UnknownHostException. Servers are tried in order while they time out or fail.
 *
 * <p>Threading: {@link #lookup} blocks its caller (a job worker) until the answers arrive; the queries run
 * on Vert.x's event loop.
 */
public class DnsLookup implements HostLookup {

    private final List<DnsClient> clients;
    private final List<InetSocketAddress> servers;
    private final Duration timeout;

    public DnsLookup(Vertx vertx, List<InetSocketAddress> servers, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
        this.clients = this.servers.stream()
                .map(server -> vertx.createDnsClient(new DnsClientOptions()
                        .setHost(server.getHostString())
                        .setPort(server.getPort())
                        .setQueryTimeout(timeout.toMillis())
                        .setRecursionDesired(true)))
                .toList();
    }

    /** The name servers of /etc/resolv.conf, port 53; empty if it names none. */
    public static List<InetSocketAddress> systemServers(Path resolvConf) {
        List<InetSocketAddress> servers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(resolvConf)) {
                String[] words = line.strip().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver")) {
                    servers.add(new InetSocketAddress(words[1], 53));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return servers;
    }

    @Override
    public Answer lookup(String hostname, IpFamily family) {
        if (clients.isEmpty()) {
            return Answer.failed(hostname + ": no DNS server to ask (set parallax.agent.dns.servers, or name one in"
                    + " /etc/resolv.conf)");
        }
        String lastFailure = null;
        for (int i = 0; i < clients.size(); i++) {
            Attempt attempt = ask(clients.get(i), servers.get(i), hostname, family);
            if (attempt.answer().failure() == null || attempt.definitive()) {
                return attempt.answer();
            }
            lastFailure = attempt.answer().failure();
        }
        return Answer.failed(lastFailure);
    }

    /** An answer, and whether another server could answer differently (timeouts and SERVFAIL can). */
    private record Attempt(Answer answer, boolean definitive) {
    }

    private Attempt ask(DnsClient client, InetSocketAddress server, String hostname, IpFamily family) {
        Future<List<String>> a = family == IpFamily.IPV6 ? Future.succeededFuture(List.of()) : client.resolveA(hostname);
        Future<List<String>> aaaa = family == IpFamily.IPV4 ? Future.succeededFuture(List.of())
                : client.resolveAAAA(hostname);
        Result v4 = await(a, server);
        Result v6 = await(aaaa, server);
        List<InetAddress> addresses = new ArrayList<>();
        addresses.addAll(v4.addresses());
        addresses.addAll(v6.addresses());
        if (!addresses.isEmpty()) {
            return new Attempt(Answer.found(addresses), true);
        }
        String name = hostname;
        if (v4.code() == DnsResponseCode.NXDOMAIN || v6.code() == DnsResponseCode.NXDOMAIN) {
            return new Attempt(Answer.failed(name + ": no such name (NXDOMAIN) from " + describe(server)), true);
        }
        Result failed = v4.failure() != null ? v4 : v6;
        if (failed.failure() != null) {
            return new Attempt(Answer.failed(name + ": " + failed.failure()), false);
        }
        String kind = switch (family) {
            case IPV4 -> "IPv4 (A)";
            case IPV6 -> "IPv6 (AAAA)";
            case ANY -> "(A or AAAA)";
        };
        return new Attempt(Answer.failed(name + " has no " + kind + " address (" + describe(server) + " answered"
                + " NOERROR with no records)"), true);
    }

    /** One query's outcome: addresses, or the response code / failure text. */
    private record Result(List<InetAddress> addresses, DnsResponseCode code, String failure) {
    }

    private Result await(Future<List<String>> query, InetSocketAddress server) {
        try {
            List<String> texts = query.toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            List<InetAddress> addresses = new ArrayList<>();
            for (String text : texts) {
                // DNS gives literal addresses here: parsing them does no lookup.
                addresses.add(InetAddress.getByName(text));
            }
            return new Result(addresses, DnsResponseCode.NOERROR, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DnsException dns) {
                return new Result(List.of(), dns.code(), describe(server) + " answered " + dns.code().name());
            }
            String message = String.valueOf(e.getCause().getMessage());
            if (message.toLowerCase().contains("timeout") || message.toLowerCase().contains("timed out")) {
                return timedOut(server);
            }
            return new Result(List.of(), null, "asking " + describe(server) + " failed: " + message);
        } catch (TimeoutException e) {
            return timedOut(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(List.of(), null, "interrupted while asking " + describe(server));
        } catch (UnknownHostException e) {
            return new Result(List.of(), null, describe(server) + " gave an unreadable address: " + e.getMessage());
        }
    }

    private Result timedOut(InetSocketAddress server) {
        return new Result(List.of(), null, "no answer from " + describe(server) + " within " + timeout.toMillis()
                + " ms (timeout)");
    }

    private static String describe(InetSocketAddress server) {
        return server.getHostString() + (server.getPort() == 53 ? "" : ":" + server.getPort());
    }
}
