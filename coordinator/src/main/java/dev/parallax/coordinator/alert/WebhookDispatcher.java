package dev.parallax.coordinator.alert;

import dev.parallax.common.targeting.InvalidTargetException;
import dev.parallax.common.targeting.TargetHost;
import dev.parallax.common.targeting.TargetPolicy;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.worker.PollingWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers events to their schedule's webhook: a JSON POST signed with {@link WebhookSignature}, retried with
 * backoff, every attempt logged. Runs on threads of its own, so a receiver that is slow or down never holds up
 * firing or probing; redirects are not followed, and a receiver whose host is or resolves to a blocked address
 * (the target policy) is refused, so a webhook cannot be aimed at the coordinator's own network.
 *
 * <p>The connection goes to the address that was checked, never to a second resolution of the name: a name that
 * answers a public address to the check and 127.0.0.1 to the connect (DNS rebinding) still reaches only the
 * public one. The name stays the request's Host and the TLS server name, and the certificate is verified
 * against it.
 *
 * <p>Only the receiver's status is read, never its answer's body.
 *
 * <p>At least once: a coordinator that dies mid-call leaves the delivery due again when its lease ends;
 * receivers de-duplicate by {@code X-Parallax-Event-Id}.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 20;

    private final WebhookDeliveries deliveries;
    private final Duration timeout;
    private final TargetPolicy policy;
    private final HttpClient http;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final PollingWorker worker;
    private final MeterRegistry meters;

    public WebhookDispatcher(WebhookDeliveries deliveries, ParallaxConfig config, TargetPolicy policy, Vertx vertx,
                             MeterRegistry meters) {
        this.deliveries = deliveries;
        this.meters = meters;
        for (String outcome : new String[] {"delivered", "failed", "refused"}) {
            attempts(outcome);
        }
        this.timeout = config.alerts().webhookTimeout();
        this.policy = policy;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(Math.toIntExact(timeout.toMillis()))
                .setVerifyHost(true)
                .setForceSni(true)
                .setKeepAlive(false));
        this.worker = new PollingWorker("webhook-dispatcher", config.alerts().pollInterval(), Duration.ofSeconds(1),
                LOG, this::deliverBatch);
    }

    void start(@Observes StartupEvent startup) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.stop();
        calls.shutdownNow();
        http.close();
    }

    /** One batch: claim, call every receiver at once, record; true when the batch was full. */
    boolean deliverBatch() {
        List<WebhookDeliveries.Claimed> claimed = deliveries.claim(BATCH);
        if (claimed.isEmpty()) {
            return false;
        }
        List<CompletableFuture<WebhookDeliveries.Outcome>> calling = claimed.stream()
                .map(delivery -> CompletableFuture.supplyAsync(() -> attempt(delivery), calls))
                .toList();
        List<WebhookDeliveries.Outcome> outcomes = calling.stream().map(CompletableFuture::join).toList();
        deliveries.record(outcomes);
        outcomes.forEach(outcome -> attempts(outcome.delivered() ? "delivered" : outcome.permanent() ? "refused"
                : "failed").increment());
        return claimed.size() == BATCH;
    }

    private Counter attempts(String outcome) {
        return Counter.builder("parallax.webhook.deliveries")
                .description("Webhook delivery attempts: delivered (2xx), failed (retried with backoff), refused"
                        + " (a receiver the target policy blocks; not retried)")
                .tag("outcome", outcome)
                .register(meters);
    }

    private WebhookDeliveries.Outcome attempt(WebhookDeliveries.Claimed delivery) {
        Instant started = Instant.now();
        long begin = System.nanoTime();
        URI url = URI.create(delivery.url());
        InetAddress pinned;
        try {
            pinned = checkedAddress(url);
        } catch (UnknownHostException e) {
            // DNS may answer next time: an ordinary failed attempt.
            return new WebhookDeliveries.Outcome(delivery, started, null, "cannot resolve " + url.getHost() + ": "
                    + e.getMessage(), (System.nanoTime() - begin) / 1_000_000, false);
        } catch (Refused refused) {
            LOG.warnf("Webhook %s for event %s refused: %s", url, delivery.eventId(), refused.getMessage());
            return new WebhookDeliveries.Outcome(delivery, started, null, refused.getMessage(), 0, true);
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
                        : url.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setServer(SocketAddress.inetSocketAddress(port, pinned.getHostAddress()))
                .setFollowRedirects(false)
                .setTimeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Parallax-Webhook/1")
                .putHeader("X-Parallax-Event", delivery.kind())
                .putHeader("X-Parallax-Event-Id", delivery.eventId().toString())
                .putHeader("X-Parallax-Delivery", Long.toString(delivery.id()))
                .putHeader("X-Parallax-Attempt", Integer.toString(delivery.attempt()))
                .putHeader(WebhookSignature.HEADER, WebhookSignature.sign(delivery.secret(), body));
        try {
            int status = http.request(request)
                    .compose(call -> call.send(Buffer.buffer(body)).map(response -> {
                        // Only the status counts. The body is not read, and the connection (never reused) is closed:
                        // a receiver answering with an endless body must not fill this coordinator's memory. The
                        // closing is this side's doing, not a failure to log.
                        response.pause();
                        response.exceptionHandler(closedHere -> { });
                        call.connection().close();
                        return response.statusCode();
                    }))
                    .toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS);
            long millis = (System.nanoTime() - begin) / 1_000_000;
            if (status / 100 != 2) {
                LOG.infof("Webhook %s answered %d to event %s (attempt %d)", url, status, delivery.eventId(),
                        delivery.attempt());
            }
            return new WebhookDeliveries.Outcome(delivery, started, status, null, millis, false);
        } catch (ExecutionException | TimeoutException e) {
            long millis = (System.nanoTime() - begin) / 1_000_000;
            String failure = e instanceof ExecutionException && e.getCause() != null ? e.getCause().toString()
                    : "no answer within " + (timeout.toMillis() * 2 + 1_000) + " ms";
            LOG.infof("Webhook %s for event %s failed (attempt %d): %s", url, delivery.eventId(),
                    delivery.attempt(), failure);
            return new WebhookDeliveries.Outcome(delivery, started, null, failure, millis, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WebhookDeliveries.Outcome(delivery, started, null, "interrupted", 0, false);
        }
    }

    /** A receiver that must not be called, with the reason. */
    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason);
        }
    }

    /** The address to connect to: the first the name resolves to, provided that every one is allowed. */
    private InetAddress checkedAddress(URI url) throws UnknownHostException, Refused {
        TargetHost host;
        try {
            host = TargetHost.parse(url.getHost());
        } catch (InvalidTargetException e) {
            throw new Refused("webhook host " + url.getHost() + " cannot be used: " + e.getMessage());
        }
        InetAddress[] addresses = host.literalAddress().map(a -> new InetAddress[] {a})
                .orElse(InetAddress.getAllByName(host.name()));
        for (InetAddress address : addresses) {
            TargetPolicy.Decision decision = policy.evaluate(address);
            if (!decision.allowed()) {
                throw new Refused("webhook host " + url.getHost() + " is " + address.getHostAddress()
                        + ", refused by policy: " + decision.reason());
            }
        }
        return addresses[0];
    }
}
