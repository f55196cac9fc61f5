package dev.parallax.common.targeting;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parallax.common.targeting.TargetHost.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetHostTest {

    @Test
    void acceptsPlainHostName() {
        TargetHost host = TargetHost.parse("example.com");

        assertThat(host.name()).isEqualTo("example.com");
        assertThat(host.kind()).isEqualTo(Kind.HOSTNAME);
        assertThat(host.isIpLiteral()).isFalse();
        assertThat(host.literalAddress()).isEmpty();
        assertThat(host).hasToString("example.com");
    }

    @Test
    void convertsInternationalNamesToALabels() {
        assertThat(TargetHost.parse("bücher.example").name()).isEqualTo("xn--bcher-kva.example");
        assertThat(TargetHost.parse("BÜCHER.Example.").name()).isEqualTo("xn--bcher-kva.example");
        assertThat(TargetHost.parse("bücher。example").name()).isEqualTo("xn--bcher-kva.example");
        assertThat(TargetHost.parse("xn--bcher-kva.example").name()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void lowercasesHostNames() {
        assertThat(TargetHost.parse("WWW.Example.COM").name()).isEqualTo("www.example.com");
    }

    @Test
    void trimsSurroundingWhitespace() {
        assertThat(TargetHost.parse("  example.com\t").name()).isEqualTo("example.com");
    }

    @Test
    void dropsOneTrailingDot() {
        assertThat(TargetHost.parse("example.com.").name()).isEqualTo("example.com");
    }

    @Test
    void rejectsTwoTrailingDotsAndEmptyLabels() {
        assertRejected("example.com..", "empty label");
        assertRejected(".example.com", "empty label");
        assertRejected("a..b", "empty label");
        assertRejected(".", "is not a host name");
    }

    @Test
    void acceptsSingleLabelNamesAndDigitsInsideNames() {
        assertThat(TargetHost.parse("localhost").kind()).isEqualTo(Kind.HOSTNAME);
        assertThat(TargetHost.parse("1.2.3.example").name()).isEqualTo("1.2.3.example");
        assertThat(TargetHost.parse("123.com").name()).isEqualTo("123.com");
        assertThat(TargetHost.parse("a-b.c-d.example").name()).isEqualTo("a-b.c-d.example");
    }

    @Test
    void acceptsLabelOf63AndNameOf253Characters() {
        String label63 = "a".repeat(63);
        assertThat(TargetHost.parse(label63 + ".com").name()).hasSize(67);

        String name253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        assertThat(TargetHost.parse(name253).name()).hasSize(253);
        assertThat(TargetHost.parse(name253 + ".").name()).hasSize(253);
    }

    @Test
    void rejectsLabelLongerThan63Characters() {
        assertRejected("a".repeat(64) + ".com", "label of 64 characters");
    }

    @Test
    void rejectsNameLongerThan253Characters() {
        String name255 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63));
        assertRejected(name255, "at most 253");
        String name254 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62));
        assertRejected(name254, "at most 253");
    }

    @Test
    void rejectsInternationalNameWhoseALabelIsTooLong() {
        assertRejected("ü".repeat(60) + ".com", "not a valid internationalised host name");
    }

    @Test
    void rejectsCharactersOutsideLettersDigitsAndHyphen() {
        assertRejected("under_score.example", "contains '_'");
        assertRejected("star*.example", "contains '*'");
        assertRejected("bü_cher.example", "not a valid internationalised host name");
        assertRejected("exa\u0000mple.com", "control character U+0000");
    }

    @Test
    void rejectsLabelsStartingOrEndingWithHyphen() {
        assertRejected("-example.com", "starts or ends with '-'");
        assertRejected("example-.com", "starts or ends with '-'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.123", "1.2.3", "999.1.1.1", "foo.0x7f", "0x7f000001"})
    void rejectsNumericLastLabelAsNeitherHostNorAddress(String target) {
        assertRejected(target, "neither an IPv4 address");
    }

    @ParameterizedTest
    @CsvSource({"192.0.2.1", "0.0.0.0", "255.255.255.255", "10.0.0.1", "93.184.215.14"})
    void acceptsStrictDottedQuad(String literal) {
        TargetHost host = TargetHost.parse(literal);

        assertThat(host.kind()).isEqualTo(Kind.IPV4);
        assertThat(host.name()).isEqualTo(literal);
        assertThat(host.isIpLiteral()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.1", "010.0.0.1", "1.2.3.04", "256.1.1.1", "1.2.3.4.5", "1.2.3.", "1..2.3",
            "1.2.3.4.", "2130706433", "1.2.3.1000"})
    void rejectsIpv4ShortLeadingZeroAndOutOfRangeForms(String literal) {
        assertRejected(literal, "neither an IPv4 address");
    }

    @Test
    void mapsFullwidthCharactersButNeverIntoAnAddress() {
        assertThat(TargetHost.parse("ｅｘａｍｐｌｅ.com").name()).isEqualTo("example.com");
        assertRejected("１２７.０.０.１", "neither an IPv4 address");
        assertRejected("127。0。0。1", "neither an IPv4 address");
    }

    @Test
    void rejectsHexIpv4() {
        assertRejected("0x7f.0.0.1", "neither an IPv4 address");
    }

    @Test
    void givesIpv4LiteralAddressWithoutLookup() {
        InetAddress address = TargetHost.parse("192.0.2.1").literalAddress().orElseThrow();

        assertThat(address).isInstanceOf(Inet4Address.class);
        assertThat(address.getAddress()).containsExactly(192, 0, 2, 1);
        // The name is the literal itself, so asking for it can never start a reverse lookup.
        assertThat(address.getHostName()).isEqualTo("192.0.2.1");
    }

    @ParameterizedTest
    @CsvSource({
            "::1, ::1",
            "[::1], ::1",
            "2001:DB8::1, 2001:db8::1",
            "[2001:0db8:0000:0000:0000:0000:0000:0001], 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "2001:db8::, 2001:db8::",
            "::, ::",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "::FFFF:192.0.2.1, ::ffff:192.0.2.1",
            "::ffff:c000:201, ::ffff:192.0.2.1",
            "64:ff9b::192.0.2.1, 64:ff9b::c000:201",
            "fe80::1, fe80::1",
    })
    void acceptsIpv6WithOrWithoutBracketsInCanonicalForm(String literal, String canonical) {
        TargetHost host = TargetHost.parse(literal);

        assertThat(host.kind()).isEqualTo(Kind.IPV6);
        assertThat(host.name()).isEqualTo(canonical);
    }

    @Test
    void givesIpv6LiteralAddressEvenForMappedIpv4() {
        InetAddress loopback = TargetHost.parse("[::1]").literalAddress().orElseThrow();
        InetAddress mapped = TargetHost.parse("::ffff:127.0.0.1").literalAddress().orElseThrow();

        assertThat(loopback).isInstanceOf(Inet6Address.class);
        assertThat(loopback.getAddress()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(mapped).isInstanceOf(Inet6Address.class);
        assertThat(mapped.getAddress()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fe80::1%eth0", "[fe80::1%eth0]", "fe80::1%25eth0", "[fe80::1%1]"})
    void rejectsIpv6ZoneId(String literal) {
        assertRejected(literal, "zone id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1::2::3", "12345::", ":::", "1:2:3:4:5:6:7:8:9", "::ffff:1.2.3", "::ffff:010.0.0.1",
            "[1.2.3.4]", "[example.com]", "2001:db8::g", "[]"})
    void rejectsMalformedIpv6(String literal) {
        assertRejected(literal, "not a valid IPv6 address");
    }

    @Test
    void rejectsUnclosedOrTrailingBrackets() {
        assertRejected("[::1", "never closes");
        assertRejected("[::1]x", "text after ']'");
    }

    @Test
    void rejectsUrlWithTheHostAsHint() {
        assertRejected("https://Example.com/path?q=1", "is a URL; give only the host name, e.g. \"example.com\"");
        assertRejected("http://user@[::1]:8080/", "is a URL; give only the host name, e.g. \"::1\"");
    }

    @Test
    void rejectsHostPortFormWithHint() {
        assertRejected("example.com:443", "includes a port; give the host alone, e.g. \"example.com\" and the"
                + " ports in the \"ports\" field");
        assertRejected("192.0.2.1:22", "e.g. \"192.0.2.1\"");
        assertRejected("[2001:db8::1]:443", "e.g. \"2001:db8::1\"");
    }

    @Test
    void rejectsUserInfo() {
        assertRejected("root@example.com", "contains '@'; give only the host name, without a user name, e.g."
                + " \"example.com\"");
    }

    @Test
    void rejectsPathsAndPrefixes() {
        assertRejected("example.com/admin", "contains '/'");
        assertRejected("10.0.0.0/8", "contains '/'");
    }

    @Test
    void rejectsWhitespaceInside() {
        assertRejected("exa mple.com", "contains whitespace");
        assertRejected("example.com\nevil.com", "contains whitespace");
        assertRejected("example\u00a0.com", "contains whitespace");
    }

    @Test
    void rejectsNullAndBlank() {
        assertRejected(null, "give a target");
        assertRejected("", "give a target");
        assertRejected("   ", "give a target");
    }

    @Test
    void quotesTheInputInTheMessage() {
        assertRejected("exa$mple.com", "target \"exa$mple.com\" contains '$'");
    }

    @Test
    void shortensVeryLongInputInTheMessage() {
        assertThatThrownBy(() -> TargetHost.parse("x".repeat(10_000)))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessageContaining("too long")
                .message().hasSizeLessThan(200);
    }

    @Test
    void constructorRefusesNonCanonicalValues() {
        assertThat(new TargetHost("example.com", Kind.HOSTNAME)).isEqualTo(TargetHost.parse("EXAMPLE.com."));
        assertThatThrownBy(() -> new TargetHost("Example.com", Kind.HOSTNAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TargetHost.parse");
        assertThatThrownBy(() -> new TargetHost("192.0.2.1", Kind.HOSTNAME))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TargetHost("not a host", Kind.HOSTNAME))
                .isInstanceOf(InvalidTargetException.class);
    }

    @Test
    void serialisesAsTheNameString() throws Exception {
        ObjectMapper json = new ObjectMapper();

        assertThat(json.writeValueAsString(TargetHost.parse("[2001:DB8::1]"))).isEqualTo("\"2001:db8::1\"");
        assertThat(json.readValue("\"Bücher.example\"", TargetHost.class))
                .isEqualTo(new TargetHost("xn--bcher-kva.example", Kind.HOSTNAME));
    }

    @Test
    void refusesInvalidTargetWhenDeserialising() {
        assertThatThrownBy(() -> new ObjectMapper().readValue("\"example.com:443\"", TargetHost.class))
                .hasRootCauseInstanceOf(InvalidTargetException.class);
    }

    private static void assertRejected(String target, String message) {
        assertThatThrownBy(() -> TargetHost.parse(target))
                .isInstanceOfSatisfying(InvalidTargetException.class, e -> assertThat(e.field()).isEqualTo("target"))
                .hasMessageContaining(message);
    }
}
