package dev.parallax.coordinator.api;

import dev.parallax.common.contract.RegionStatus;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.check.CheckNotFoundException;
import dev.parallax.coordinator.check.CheckService;
import dev.parallax.coordinator.check.CheckStatus;
import dev.parallax.coordinator.config.ParallaxConfig;
import dev.parallax.coordinator.result.CheckUpdates;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Streams a check's verdicts as Server-Sent Events: a {@code region} event for each region as it ends, then one
 * {@code complete} event with the whole check and its comparison, then the stream closes. A client that connects
 * late gets the regions that have already ended first.
 *
 * <p>Each stream reads the check from PostgreSQL as soon as this replica commits a change to it ({@link CheckUpdates}),
 * so a verdict reaches the client within milliseconds of being stored; and at least every {@link #POLL}, since a
 * verdict may be stored by another replica. Each stream is a virtual thread; at most
 * {@code parallax.api.max-streams} run at once, at most {@code parallax.api.max-streams-per-caller} of them for one key
 * (or anonymous client address), and none outlives its check's deadline by more than {@link #AFTER_DEADLINE}. A stream
 * with nothing to say sends a comment every {@link #KEEP_ALIVE}, so that idle-connection timeouts (the server's, a
 * proxy's) leave it open.
 */
@ApplicationScoped
public class CheckEventStreams {

    static final Duration POLL = Duration.ofMillis(200);
    static final Duration AFTER_DEADLINE = Duration.ofSeconds(60);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private static final Logger LOG = Logger.getLogger(CheckEventStreams.class);

    private final CheckService checks;
    private final CheckUpdates updates;
    private final int maxStreams;
    private final int maxPerCaller;
    private final Semaphore slots;
    /** Streams open, by caller (key or anonymous address). */
    private final CountsPerClient streamsByCaller;
    private final ExecutorService streams = Executors.newVirtualThreadPerTaskExecutor();

    public CheckEventStreams(CheckService checks, CheckUpdates updates, ParallaxConfig config) {
        this.checks = checks;
        this.updates = updates;
        this.maxStreams = config.api().maxStreams();
        this.maxPerCaller = config.api().maxStreamsPerCaller();
        if (maxStreams < 1 || maxPerCaller < 1) {
            throw new IllegalArgumentException("parallax.api.max-streams and max-streams-per-caller must be at least 1");
        }
        this.slots = new Semaphore(maxStreams);
        this.streamsByCaller = new CountsPerClient(maxPerCaller);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        streams.shutdownNow();
    }

    /**
     * Streams the check until it is COMPLETE or the client goes away. A check the caller may not read is a
     * {@link CheckNotFoundException}, and no free slot a {@link TooManyStreamsException}, both before any event.
     */
    void open(UUID id, String rawId, Caller caller, SseEventSink sink, Sse sse) {
        // Watched from before the first read: a change committed after that read began always wakes the stream,
        // so nothing needs reading twice.
        CheckUpdates.Watch watch = updates.watch(id);
        CheckService.CheckRecord first;
        Slot slot;
        try {
            first = checks.find(id, caller.owner()).orElseThrow(() -> new CheckNotFoundException(rawId));
            slot = takeSlot(caller.quotaSubject());
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        stream(first, caller.owner(), sink, sse, watch, slot);
    }

    /** A stream's place: one of the coordinator's, and one of its caller's. */
    private final class Slot {
        private final String caller;

        private Slot(String caller) {
            this.caller = caller;
        }

        void release() {
            streamsByCaller.release(caller);
            slots.release();
        }
    }

    private Slot takeSlot(String caller) {
        if (!streamsByCaller.tryTake(caller)) {
            throw TooManyStreamsException.callerFull(maxPerCaller);
        }
        if (!slots.tryAcquire()) {
            streamsByCaller.release(caller);
            throw TooManyStreamsException.coordinatorFull(maxStreams);
        }
        return new Slot(caller);
    }

    /** Takes over the watch and the slot: released here unless the stream's own thread has them. */
    private void stream(CheckService.CheckRecord first, String owner, SseEventSink sink, Sse sse,
                        CheckUpdates.Watch watch, Slot slot) {
        boolean handedOver = false;
        try {
            // The first event writes the response head. Sent here, on the request's thread, so that the stream's
            // own thread never starts the response while this one does: a verdict stored within milliseconds made
            // both write it at once ("response head already sent") and ended the stream.
            send(sink, sse.newEventBuilder().comment("events of check " + first.check().id()).build());
            if (sink.isClosed()) {
                return;
            }
            streams.execute(() -> {
                try (sink; watch) {
                    run(first, owner, sink, sse, watch);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warnf("Event stream of check %s ended: %s", first.check().id(), e.toString());
                } finally {
                    slot.release();
                }
            });
            handedOver = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException stopping) {
            LOG.debugf("Event stream of check %s not started: the coordinator is stopping", first.check().id());
        } finally {
            if (!handedOver) {
                watch.close();
                sink.close();
                slot.release();
            }
        }
    }

    private void run(CheckService.CheckRecord first, String owner, SseEventSink sink, Sse sse,
                     CheckUpdates.Watch watch) throws InterruptedException {
        UUID id = first.check().id();
        Instant giveUp = first.check().deadline().plus(AFTER_DEADLINE);
        Set<String> sent = new HashSet<>();
        CheckService.CheckRecord record = first;
        Instant lastSent = Instant.now();
        while (!sink.isClosed()) {
            CheckResponse response = CheckResource.toResponse(record);
            for (CheckResponse.Region region : response.regions()) {
                if (region.status() != RegionStatus.PENDING && sent.add(region.region())) {
                    send(sink, sse.newEventBuilder().name("region").id(region.region())
                            .mediaType(MediaType.APPLICATION_JSON_TYPE)
                            .data(CheckResponse.Region.class, region).build());
                    lastSent = Instant.now();
                }
            }
            if (record.check().status() == CheckStatus.COMPLETE) {
                send(sink, sse.newEventBuilder().name("complete").id("complete")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(CheckResponse.class, response).build());
                return;
            }
            if (Instant.now().isAfter(giveUp)) {
                send(sink, sse.newEventBuilder().name("timeout")
                        .data("the check did not complete within its deadline plus " + AFTER_DEADLINE.toSeconds()
                                + " s; read it at /api/v1/checks/" + id).build());
                return;
            }
            if (Duration.between(lastSent, Instant.now()).compareTo(KEEP_ALIVE) >= 0) {
                send(sink, sse.newEventBuilder().comment("still waiting for " + (response.regions().size()
                        - sent.size()) + " region(s)").build());
                lastSent = Instant.now();
            }
            watch.await(POLL);
            Optional<CheckService.CheckRecord> next = checks.find(id, owner);
            if (next.isEmpty()) {
                // Deleted meanwhile (retention): nothing more will come.
                return;
            }
            record = next.get();
        }
    }

    private static void send(SseEventSink sink, OutboundSseEvent event) throws InterruptedException {
        try {
            sink.send(event).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            // The client went away (the sink says "already closed") or stopped reading: end the stream.
            sink.close();
        }
    }
}
