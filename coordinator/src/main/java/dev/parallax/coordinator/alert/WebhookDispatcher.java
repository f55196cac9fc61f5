package dev.parallax.coordinator.alert;

import dev.parallax.common.target.InvalidTargetException;
import dev.parallax.common.target.TargetHost;
import dev.parallax.common.target.TargetPolicy;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.worker.PollingWorker;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Delivers events to their schedule's webhook: a JSON POST signed with {@link WebhookSignature}, retried with
 * backoff, every attempt logged. Runs on threads of its own, so a receiver that is slow or down never holds up
 * firing or probing; redirects are not followed, and a receiver whose host is or resolves to a blocked address
 * (the target policy) is refused, so a webhook cannot be aimed at the coordinator's own network.
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

    public WebhookDispatcher(WebhookDeliveries deliveries, ParallaxConfig config, TargetPolicy policy) {
        this.deliveries = deliveries;
        this.timeout = config.alerts().webhookTimeout();
        this.policy = policy;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .executor(calls).build();
        this.worker = new PollingWorker("webhook-dispatcher", config.alerts().pollInterval(), Duration.ofSeconds(1),
                LOG, this::deliverBatch);
    }

    void start(@Observes StartupEvent startup) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        worker.stop();
        calls.shutdownNow();
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
        deliveries.record(calling.stream().map(CompletableFuture::join).toList());
        return claimed.size() == BATCH;
    }

    private WebhookDeliveries.Outcome attempt(WebhookDeliveries.Claimed delivery) {
        Instant started = Instant.now();
        long begin = System.nanoTime();
        URI url = URI.create(delivery.url());
        String refusal;
        try {
            refusal = refusal(url);
        } catch (UnknownHostException e) {
            // DNS may answer next time: an ordinary failed attempt.
            return new WebhookDeliveries.Outcome(delivery, started, null, "cannot resolve " + url.getHost() + ": "
                    + e.getMessage(), (System.nanoTime() - begin) / 1_000_000, false);
        }
        if (refusal != null) {
            LOG.warnf("Webhook %s for event %s refused: %s", url, delivery.eventId(), refusal);
            return new WebhookDeliveries.Outcome(delivery, started, null, refusal, 0, true);
        }
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Parallax-Webhook/1")
                .header("X-Parallax-Event", delivery.kind())
                .header("X-Parallax-Event-Id", delivery.eventId().toString())
                .header("X-Parallax-Delivery", Long.toString(delivery.id()))
                .header("X-Parallax-Attempt", Integer.toString(delivery.attempt()))
                .header(WebhookSignature.HEADER, WebhookSignature.sign(delivery.secret(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            long millis = (System.nanoTime() - begin) / 1_000_000;
            if (response.statusCode() / 100 != 2) {
                LOG.infof("Webhook %s answered %d to event %s (attempt %d)", url, response.statusCode(),
                        delivery.eventId(), delivery.attempt());
            }
            return new WebhookDeliveries.Outcome(delivery, started, response.statusCode(), null, millis, false);
        } catch (IOException e) {
            long millis = (System.nanoTime() - begin) / 1_000_000;
            LOG.infof("Webhook %s for event %s failed (attempt %d): %s", url, delivery.eventId(),
                    delivery.attempt(), e.toString());
            return new WebhookDeliveries.Outcome(delivery, started, null, e.toString(), millis, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WebhookDeliveries.Outcome(delivery, started, null, "interrupted", 0, false);
        }
    }

    /** Why this receiver must not be called, or null. */
    private String refusal(URI url) throws UnknownHostException {
        try {
            TargetHost host = TargetHost.parse(url.getHost());
            InetAddress[] addresses = host.literalAddress().map(a -> new InetAddress[] {a})
                    .orElse(InetAddress.getAllByName(host.name()));
            for (InetAddress address : addresses) {
                TargetPolicy.Decision decision = policy.evaluate(address);
                if (!decision.allowed()) {
                    return "webhook host " + url.getHost() + " is " + address.getHostAddress() + ", refused by"
                            + " policy: " + decision.reason();
                }
            }
            return null;
        } catch (InvalidTargetException e) {
            return "webhook host " + url.getHost() + " cannot be used: " + e.getMessage();
        }
    }
}
