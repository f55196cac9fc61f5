package dev.parallax.coordinator.api.problem;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are a client hanging up (logged at DEBUG) and which are Parallax's own (logged at ERROR). */
class ClientWentAwayTest {

    @Test
    void aConnectionClosedOrResetByTheClientIsTheClients() {
        assertThat(ProblemMapper.clientWentAway(new HttpClosedException("Connection was closed"))).isTrue();
        assertThat(ProblemMapper.clientWentAway(new ClosedChannelException())).isTrue();
        assertThat(ProblemMapper.clientWentAway(new IOException("Connection reset by peer"))).isTrue();
        assertThat(ProblemMapper.clientWentAway(new UncheckedIOException(new IOException("Broken pipe")))).isTrue();
        assertThat(ProblemMapper.clientWentAway(new RuntimeException(new VertxException("Connection was closed"))))
                .isTrue();
        assertThat(ProblemMapper.clientWentAway(new IllegalStateException("Already closed"))).isTrue();
    }

    @Test
    void everythingElseIsParallaxsOwn() {
        assertThat(ProblemMapper.clientWentAway(new IllegalStateException("Session/EntityManager is closed")))
                .isFalse();
        assertThat(ProblemMapper.clientWentAway(new IOException("No space left on device"))).isFalse();
        assertThat(ProblemMapper.clientWentAway(new NullPointerException())).isFalse();
        assertThat(ProblemMapper.clientWentAway(new RuntimeException("boom", new IllegalArgumentException())))
                .isFalse();
    }
}
