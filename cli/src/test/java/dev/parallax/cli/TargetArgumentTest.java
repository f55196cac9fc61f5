package dev.parallax.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetArgumentTest {

    @Test
    void splitsHostAndPortsKeepingRangesForTheApi() {
        assertThat(TargetArgument.parse("example.com:443,22,8000-8010"))
                .isEqualTo(new TargetArgument("example.com", List.of(443, 22, "8000-8010")));
    }

    @Test
    void takesAnIpv6AddressInBrackets() {
        assertThat(TargetArgument.parse("[2001:db8::1]:443"))
                .isEqualTo(new TargetArgument("2001:db8::1", List.of(443)));
    }

    @Test
    void leavesWhatItCannotReadAsAPortToTheApiToExplain() {
        assertThat(TargetArgument.parse("example.com:https").ports()).containsExactly("https");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:", ":443", "2001:db8::1:443", "[2001:db8::1]443", "", " "})
    void refusesATargetWithoutPortsOrWithAnUnbracketedIpv6Address(String argument) {
        assertThatThrownBy(() -> TargetArgument.parse(argument)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(":ports, e.g.");
    }
}
