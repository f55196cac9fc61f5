package dev.parallax.coordinator.api.problem;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a parser said, as a client reads it: its explanation, never a Java class or a Jackson setting. */
class JsonErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Cannot deserialize value of type `java.lang.String` from Array value | Cannot deserialize value of type a value from Array value
            Number value length (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`) | Number value length (1001) exceeds the maximum allowed
            Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow | Non-standard token 'NaN'
            Unexpected character ('}' (code 125)): was expecting double-quote to start field name | Unexpected character ('}' (code 125)): was expecting double-quote to start field name
            Cannot construct instance of `dev.parallax.common.targeting.PortSet`, problem: port 0 is out of range | Cannot construct instance of a value, problem: port 0 is out of range
            """)
    void saysWhatWasWrongWithoutNamingJavaOrJackson(String message, String shown) {
        assertThat(JsonErrors.scrub(message)).isEqualTo(shown);
    }
}
