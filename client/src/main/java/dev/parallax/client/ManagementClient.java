package dev.parallax.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Function;

/**
 * An app's management interface, as probes and scrapers read it: health ({@code /q/health/...}) and metrics
 * ({@code /q/metrics}). The coordinator serves it on its management port, an agent on its HTTP port.
 */
public final class ManagementClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param base the app's management root, e.g. {@code http://127.0.0.1:9000} */
    public ManagementClient(URI base) {
        String root = base.toString();
        this.base = URI.create(root.endsWith("/") ? root : root + "/");
    }

    /**
     * {@code /q/health/<kind>}, {@code ready} or {@code live}: UP answered 200, DOWN 503, both with the checks.
     *
     * @throws ApiException for any other answer, or none
     */
    public Health health(String kind) {
        ApiResponse<Health> answer = send(HttpRequest.newBuilder(base.resolve("q/health/" + kind)),
                body -> Health.from(Json.parse(body)));
        if (answer.status() == 503) {
            return Health.from(answer.json());
        }
        return answer.value();
    }

    /** {@code /q/metrics} in the Prometheus text format (0.0.4). */
    public ApiResponse<String> metrics() {
        return send(HttpRequest.newBuilder(base.resolve("q/metrics")).header("Accept", "text/plain; version=0.0.4"),
                body -> body);
    }

    @Override
    public void close() {
        http.close();
    }

    private <T> ApiResponse<T> send(HttpRequest.Builder request, Function<String, T> reader) {
        try {
            HttpResponse<String> response = http.send(request.timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new ApiResponse<>(response.statusCode(), response.headers(), response.body(), reader);
        } catch (IOException e) {
            throw ApiException.unreachable(base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.interrupted(e);
        }
    }
}
