package dev.parallax.common.targeting;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortSetTest {

    @Test
    void acceptsNumbersNumericStringsAndRanges() {
        PortSet ports = PortSet.parse(List.of(443, "22", "8000-8002", 80L), 100);

        assertThat(ports.toArray()).containsExactly(22, 80, 443, 8000, 8001, 8002);
        assertThat(ports.size()).isEqualTo(6);
        assertThat(ports.contains(8001)).isTrue();
        assertThat(ports.contains(8003)).isFalse();
    }

    @Test
    void toleratesSpacesAroundNumbersAndDashes() {
        assertThat(PortSet.parse(List.of(" 22 ", "8000 - 8001"), 10).toArray()).containsExactly(22, 8000, 8001);
    }

    @Test
    void removesDuplicatesAndOverlappingRanges() {
        PortSet ports = PortSet.parse(List.of(22, "22", "20-25", "24-26", 22), 100);

        assertThat(ports.toArray()).containsExactly(20, 21, 22, 23, 24, 25, 26);
    }

    @Test
    void acceptsTheWholePortRange() {
        PortSet ports = PortSet.parse(List.of("1-65535"), PortSet.MAX_PORT);

        assertThat(ports.size()).isEqualTo(65_535);
        assertThat(ports).hasToString("1-65535");
    }

    @Test
    void countsTheCapAfterRemovingDuplicates() {
        assertThat(PortSet.parse(List.of(1, 2, 3, 1, 2, 3, "1-3"), 3).size()).isEqualTo(3);
    }

    @Test
    void writesCanonicalTextWithRangesOfThreeOrMore() {
        PortSet ports = PortSet.parse(List.of(443, 22, 23, "8000-8010", 9000, 9001, 9002), 100);

        assertThat(ports).hasToString("22,23,443,8000-8010,9000-9002");
    }

    @Test
    void readsItsOwnCanonicalTextBack() {
        PortSet ports = PortSet.parse(List.of(1, 3, "5-9", 65535), 100);

        assertThat(PortSet.parse(ports.toString())).isEqualTo(ports).hasSameHashCodeAs(ports);
    }

    @Test
    void buildsFromIntegers() {
        assertThat(PortSet.of(443, 80, 443)).hasToString("80,443");
    }

    @Test
    void isEqualByItsPortsNotByHowTheyWereWritten() {
        assertThat(PortSet.parse("80,81,82")).isEqualTo(PortSet.parse("80-82")).isEqualTo(PortSet.of(82, 81, 80));
    }

    @Test
    void iteratesInAscendingOrder() {
        assertThat(PortSet.parse("443,22,80")).containsExactly(22, 80, 443);
        assertThat(PortSet.parse("443,22,80").stream()).containsExactly(22, 80, 443);
    }

    @Test
    void serialisesAsItsCanonicalText() throws Exception {
        ObjectMapper json = new ObjectMapper();
        PortSet ports = PortSet.parse("22,8000-8010");

        assertThat(json.writeValueAsString(ports)).isEqualTo("\"22,8000-8010\"");
        assertThat(json.readValue("\"8000-8010, 22\"", PortSet.class)).isEqualTo(ports);
    }

    @Test
    void rejectsPortZero() {
        assertRejected(List.of(0), "port 0 is out of range");
        assertRejected(List.of("0"), "out of range");
    }

    @Test
    void rejectsPortAbove65535() {
        assertRejected(List.of(65536), "port 65536 is out of range");
        assertRejected(List.of("65530-65536"), "out of range");
    }

    @Test
    void rejectsHugeWholeNumbersAsOutOfRange() {
        assertRejected(List.of(new BigInteger("99999999999999999999")), "out of range");
        assertRejected(List.of(Long.MAX_VALUE), "out of range");
        assertRejected(List.of("9999999"), "is not a port");
    }

    @Test
    void rejectsTextThatIsNotANumber() {
        assertRejected(List.of("abc"), "\"abc\" is not a port");
        assertRejected(List.of("-5"), "is not a port");
        assertRejected(List.of("22-"), "is not a port");
        assertRejected(List.of("1-2-3"), "is not a port");
        assertRejected(List.of("+22"), "is not a port");
    }

    @Test
    void rejectsBackwardsRangeWithHint() {
        assertRejected(List.of("10-5"), "runs backwards; write it low-high");
    }

    @Test
    void rejectsFractionalNumbers() {
        assertRejected(List.of(22.5), "got 22.5 (double)");
        assertRejected(List.of(443.0), "whole number");
    }

    @Test
    void rejectsBooleans() {
        assertRejected(List.of(true), "got true (boolean)");
    }

    @Test
    void rejectsNullToken() {
        assertRejected(Arrays.asList(22, null), "got null");
    }

    @Test
    void rejectsEmptyOrMissingList() {
        assertRejected(List.of(), "give at least one port");
        assertRejected(null, "give at least one port");
    }

    @Test
    void rejectsTooManyPorts() {
        assertRejected(List.of(1, 2, 3, 4), 3, "too many ports: at most 3");
        assertRejected(List.of("1-1000"), 100, "too many ports: at most 100");
    }

    @Test
    void rejectsEmptyEntriesInText() {
        assertThatThrownBy(() -> PortSet.parse("22,,443")).isInstanceOf(InvalidTargetException.class);
        assertThatThrownBy(() -> PortSet.parse("22,")).isInstanceOf(InvalidTargetException.class);
        assertThatThrownBy(() -> PortSet.parse(" ")).isInstanceOf(InvalidTargetException.class);
    }

    @Test
    void rejectsBuildingFromNothing() {
        assertThatThrownBy(PortSet::of).isInstanceOf(InvalidTargetException.class);
    }

    private static void assertRejected(List<?> tokens, String message) {
        assertRejected(tokens, 100, message);
    }

    private static void assertRejected(List<?> tokens, int maxPorts, String message) {
        assertThatThrownBy(() -> PortSet.parse(tokens, maxPorts))
                .isInstanceOfSatisfying(InvalidTargetException.class, e -> assertThat(e.field()).isEqualTo("ports"))
                .hasMessageContaining(message);
    }
}
