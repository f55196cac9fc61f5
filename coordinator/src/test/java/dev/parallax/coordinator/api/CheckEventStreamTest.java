package dev.parallax.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.common.contract.PortVerdict;
import dev.parallax.common.contract.Reason;
import dev.parallax.common.contract.Topics;
import dev.parallax.common.contract.WireJson;
import dev.parallax.coordinator.testinfra.Api;
import dev.parallax.coordinator.testinfra.KafkaTestClient;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import dev.parallax.coordinator.testinfra.Verdicts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.assertj.core.groups.Tuple;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/checks/{id}/events: a region event as each verdict lands, then complete; late clients catch up. */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class CheckEventStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI root;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** One server-sent event. */
    record Event(String name, String id, JsonNode data) {
    }

    @Test
    void eachRegionIsStreamedAsItsVerdictLandsThenTheCompleteCheck() throws Exception {
        UUID id = Api.submit("""
                {"target": "127.0.0.1", "ports": [22, 443], "regions": ["eu-west", "us-east"]}""");
        CompletableFuture<List<Event>> streamed = CompletableFuture.supplyAsync(() -> readEvents(id));
        Thread.sleep(500);
        assertThat(streamed).as("stream before any verdict").isNotDone();

        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(Verdicts.done(id, "eu-west",
                PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 300), PortVerdict.of("127.0.0.1", 443, Reason.SYN_ACK, 400))));
        Thread.sleep(1_000);
        assertThat(streamed).as("stream after one region of two answered").isNotDone();
        KafkaTestClient.publish(bootstrap, Topics.VERDICTS, id.toString(), WireJson.write(Verdicts.done(id, "us-east",
                PortVerdict.of("127.0.0.1", 22, Reason.SYN_ACK, 500),
                PortVerdict.of("127.0.0.1", 443, Reason.CONN_REFUSED, 600))));
        List<Event> events = streamed.get(30, TimeUnit.SECONDS);

        assertThat(events).extracting(Event::name, Event::id)
                .containsExactly(Tuple.tuple("region", "eu-west"),
                        Tuple.tuple("region", "us-east"),
                        Tuple.tuple("complete", "complete"));
        assertThat(events.get(0).data().path("status").asText()).isEqualTo("DONE");
        assertThat(events.get(0).data().path("ports")).hasSize(2);
        JsonNode complete = events.get(2).data();
        assertThat(complete.path("status").asText()).isEqualTo("COMPLETE");
        assertThat(complete.path("comparison").path("divergentPorts").get(0).asInt()).as("443 differs").isEqualTo(443);

        List<Event> late = readEvents(id);
        assertThat(late).as("a client connecting after the end gets everything at once")
                .extracting(Event::name, Event::id).containsExactly(
                        Tuple.tuple("region", "eu-west"),
                        Tuple.tuple("region", "us-east"),
                        Tuple.tuple("complete", "complete"));
    }

    @Test
    void anUnknownCheckIs404ProblemNotAnEmptyStream() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        root.resolve("api/v1/checks/" + UUID.randomUUID() + "/events"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    /** Reads the check's event stream until it closes (bounded: 30 s, 100 events). */
    private List<Event> readEvents(UUID id) {
        List<Event> events = new ArrayList<>();
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            root.resolve("api/v1/checks/" + id + "/events"))
                    .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String name = null;
                String eventId = null;
                StringBuilder data = new StringBuilder();
                for (String line = lines.readLine(); line != null && events.size() < 100; line = lines.readLine()) {
                    if (line.isEmpty()) {
                        if (name != null) {
                            events.add(new Event(name, eventId, JSON.readTree(data.toString())));
                        }
                        name = null;
                        eventId = null;
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("id:")) {
                        eventId = line.substring(3).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    }
                }
            }
            return events;
        } catch (IOException e) {
            throw new AssertionError("reading the event stream of " + id + " failed after " + events, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
