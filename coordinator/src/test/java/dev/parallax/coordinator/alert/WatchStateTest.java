package dev.parallax.coordinator.alert;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WatchStateTest {

    @Test
    void flappingFasterThanConsecutiveNeverChangesTheConfirmedState() {
        WatchState state = confirm("up", 2);
        for (String observed : List.of("down", "up", "down", "up", "down", "up")) {
            WatchState.Step step = state.observe(observed, 2);
            assertThat(step.changed()).as("after observing %s from %s", observed, state).isFalse();
            state = step.next();
        }
        assertThat(state.confirmed()).isEqualTo("up");
    }

    @Test
    void aChangeIsConfirmedOnTheConsecutiveObservationExactly() {
        WatchState state = confirm("up", 3);
        WatchState.Step first = state.observe("down", 3);
        WatchState.Step second = first.next().observe("down", 3);
        WatchState.Step third = second.next().observe("down", 3);
        assertThat(List.of(first.changed(), second.changed(), third.changed())).containsExactly(false, false, true);
        assertThat(third.from()).isEqualTo("up");
        assertThat(third.next()).isEqualTo(new WatchState("down", null, 0));
    }

    @Test
    void theFirstStateIsConfirmedLikeAnyOtherFromUnknown() {
        WatchState.Step step = WatchState.initial().observe("up", 1);
        assertThat(step.changed()).isTrue();
        assertThat(step.from()).isEqualTo(WatchState.UNKNOWN);
    }

    private static WatchState confirm(String value, int consecutive) {
        WatchState state = WatchState.initial();
        for (int i = 0; i < consecutive; i++) {
            state = state.observe(value, consecutive).next();
        }
        assertThat(state.confirmed()).isEqualTo(value);
        return state;
    }
}
