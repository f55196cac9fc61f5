package dev.parallax.common.targeting;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0/8",
            " 192.168.0.0/16 , 192.168.0.0/16",
            "0.0.0.0/0, 0.0.0.0/0",
            "255.255.255.255/32, 255.255.255.255/32",
            "2001:DB8:0:0::/32, 2001:db8::/32",
            "fc00::/7, fc00::/7",
            "::/0, ::/0",
            "::0001/128, ::1/128",
    })
    void writesCanonicalText(String text, String canonical) {
        assertThat(Cidr.parse(text)).hasToString(canonical);
    }

    @Test
    void readsBareAddressAsSingleHost() {
        assertThat(Cidr.parse("192.0.2.7")).hasToString("192.0.2.7/32");
        assertThat(Cidr.parse("2001:db8::7")).hasToString("2001:db8::7/128");
    }

    @Test
    void readsMappedNotationAsIpv6() {
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");

        assertThat(mapped.isIpv4()).isFalse();
        assertThat(mapped.network()).hasSize(16);
        assertThat(mapped).hasToString("::ffff:10.0.0.0/104");
    }

    @Test
    void rejectsHostBitsWithTheNetworkItMeant() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/8"))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessageContaining("10.0.0.1/8 has host bits set; the network is 10.0.0.0/8");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/32"))
                .hasMessageContaining("the network is 2001:db8::/32");
        assertThatThrownBy(() -> Cidr.parse("100.127.0.0/10"))
                .hasMessageContaining("the network is 100.64.0.0/10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/abc", "10.0.0.0/8/8",
            "10.0.0.0/1000"})
    void rejectsBadPrefixLength(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOfSatisfying(InvalidTargetException.class, e -> assertThat(e.field()).isEqualTo("cidr"))
                .hasMessageContaining("prefix length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com/8", "localhost", "10.0.0/8", "010.0.0.0/8", "127.1/32", "1::2::3/64",
            "10.0.0.0 /8", "[::1]/128"})
    void rejectsAnythingButAnAddressLiteral(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(InvalidTargetException.class)
                .hasMessageContaining("is not a network");
    }

    @Test
    void rejectsZoneId() {
        assertThatThrownBy(() -> Cidr.parse("fe80::%eth0/64")).hasMessageContaining("zone id");
    }

    @Test
    void rejectsNullAndBlank() {
        assertThatThrownBy(() -> Cidr.parse(null)).isInstanceOf(InvalidTargetException.class);
        assertThatThrownBy(() -> Cidr.parse(" ")).isInstanceOf(InvalidTargetException.class);
    }

    @Test
    void containsAddressesInsideItsPrefix() {
        Cidr cgnat = Cidr.parse("100.64.0.0/10");

        assertThat(cgnat.contains(ip("100.64.0.0"))).isTrue();
        assertThat(cgnat.contains(ip("100.127.255.255"))).isTrue();
        assertThat(cgnat.contains(ip("100.63.255.255"))).isFalse();
        assertThat(cgnat.contains(ip("100.128.0.0"))).isFalse();
    }

    @Test
    void containsIpv6AddressesOnNonByteBoundary() {
        Cidr orchid = Cidr.parse("2001:10::/28");

        assertThat(orchid.contains(ip("2001:10::1"))).isTrue();
        assertThat(orchid.contains(ip("2001:1f:ffff::1"))).isTrue();
        assertThat(orchid.contains(ip("2001:20::1"))).isFalse();
        assertThat(orchid.contains(ip("2001:f::1"))).isFalse();
    }

    @Test
    void comparesOnlyAddressesOfTheSameFamily() {
        Cidr private10 = Cidr.parse("10.0.0.0/8");
        Cidr everyIpv6 = Cidr.parse("::/0");

        assertThat(private10.contains(ip("::ffff:10.0.0.1"))).isFalse();
        assertThat(everyIpv6.contains(ip("10.0.0.1"))).isFalse();
        assertThat(everyIpv6.contains(ip("::ffff:10.0.0.1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("2001:db8::1"))).isFalse();
        assertThat(private10.contains(null)).isFalse();
    }

    @Test
    void containsTheInet4AddressJavaMakesOfAMappedLiteral() throws Exception {
        // InetAddress.getByAddress turns 16 mapped bytes into an Inet4Address without any lookup.
        InetAddress javaMapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 0, 0, 1});

        assertThat(Cidr.parse("10.0.0.0/8").contains(javaMapped)).isTrue();
    }

    @Test
    void singleHostContainsOnlyItself() {
        Cidr host = Cidr.parse("255.255.255.255");

        assertThat(host.contains(ip("255.255.255.255"))).isTrue();
        assertThat(host.contains(ip("255.255.255.254"))).isFalse();
    }

    @Test
    void isEqualByValue() {
        Cidr a = Cidr.parse("2001:db8::/32");
        Cidr b = Cidr.parse("2001:0DB8:0000::/32");

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Cidr.parse("2001:db8::/33"));
        assertThat(Cidr.parse("0.0.0.0/0")).isNotEqualTo(Cidr.parse("::/0"));
    }

    @Test
    void neverChangesWhenCallersChangeTheirArrays() {
        byte[] bytes = {10, 0, 0, 0};
        Cidr cidr = new Cidr(bytes, 8);
        bytes[0] = 11;
        cidr.network()[0] = 12;

        assertThat(cidr).hasToString("10.0.0.0/8");
    }

    @Test
    void constructorValidatesLikeParse() {
        assertThatThrownBy(() -> new Cidr(new byte[] {1, 2, 3}, 8)).hasMessageContaining("4 (IPv4) or 16 (IPv6)");
        assertThatThrownBy(() -> new Cidr(new byte[] {10, 0, 0, 1}, 8)).hasMessageContaining("host bits");
        assertThatThrownBy(() -> new Cidr(new byte[4], 33)).hasMessageContaining("prefixes are 0-32");
    }

    @Test
    void serialisesAsCanonicalText() throws Exception {
        ObjectMapper json = new ObjectMapper();

        assertThat(json.writeValueAsString(Cidr.parse("fd00::/8"))).isEqualTo("\"fd00::/8\"");
        assertThat(json.readValue("\"10.0.0.0/8\"", Cidr.class)).isEqualTo(Cidr.parse("10.0.0.0/8"));
    }

    /** An IP literal as an InetAddress, never through DNS. */
    static InetAddress ip(String literal) {
        return TargetHost.parse(literal).literalAddress().orElseThrow();
    }
}
