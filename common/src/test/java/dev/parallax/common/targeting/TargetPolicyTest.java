package dev.parallax.common.targeting;

import dev.parallax.common.targeting.TargetPolicy.BlockedRange;
import dev.parallax.common.targeting.TargetPolicy.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.parallax.common.targeting.CidrTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Addresses here are only parsed and compared; nothing is ever contacted. */
class TargetPolicyTest {

    private final TargetPolicy defaults = TargetPolicy.defaults();

    @Test
    void blocksExactlyTheRangesOfTheDesign() {
        assertThat(defaults.blockedRanges()).extracting(range -> range.range().toString()).containsExactly(
                "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
                "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
                "::/128", "::1/128", "::/8", "::/96", "::ffff:0.0.0.0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/32", "2001:2::/48",
                "2001:10::/28", "2001:20::/28", "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "ff00::/8");
        assertThat(defaults.allowedRanges()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "0.1.2.3, 0.0.0.0/8 (this network)",
            "10.0.0.1, 10.0.0.0/8 (private)",
            "100.64.0.1, 100.64.0.0/10 (CGNAT)",
            "100.127.255.254, 100.64.0.0/10 (CGNAT)",
            "127.0.0.1, 127.0.0.0/8 (loopback)",
            "127.255.255.254, 127.0.0.0/8 (loopback)",
            "169.254.169.254, 169.254.0.0/16 (link-local)",
            "172.16.0.1, 172.16.0.0/12 (private)",
            "172.31.255.255, 172.16.0.0/12 (private)",
            "192.0.0.8, 192.0.0.0/24 (IETF protocol assignments)",
            "192.0.2.1, 192.0.2.0/24 (documentation)",
            "192.88.99.1, 192.88.99.0/24 (6to4 relay anycast)",
            "192.168.1.1, 192.168.0.0/16 (private)",
            "198.19.255.1, 198.18.0.0/15 (benchmarking)",
            "198.51.100.7, 198.51.100.0/24 (documentation)",
            "203.0.113.9, 203.0.113.0/24 (documentation)",
            "239.255.255.250, 224.0.0.0/4 (multicast)",
            "240.0.0.1, 240.0.0.0/4 (reserved)",
            "255.255.255.255, 255.255.255.255/32 (broadcast)",
            "::, ::/128 (unspecified)",
            "::1, ::1/128 (loopback)",
            "::ffff:93.184.215.14, ::ffff:0.0.0.0/96 (IPv4-mapped)",
            "::5db8:d70e, ::/96 (IPv4-compatible)",
            "::2:3, ::/96 (IPv4-compatible)",
            "::1:0:0:1, ::/8 (reserved)",
            "100:0:0:1::5, 100:0:0:1::/64 (dummy)",
            "2001:2::1, 2001:2::/48 (benchmarking)",
            "3fff::1, 3fff::/20 (documentation)",
            "3fff:fff:ffff::1, 3fff::/20 (documentation)",
            "5f00::1, 5f00::/16 (SRv6 segment identifiers)",
            "::ffff:0:5db8:d70e, ::ffff:0:0:0/96 (IPv4-translated)",
            "64:ff9b::5db8:d70e, 64:ff9b::/96 (NAT64)",
            "64:ff9b:1::a, 64:ff9b:1::/48 (local-use NAT64)",
            "100::1, 100::/64 (discard-only)",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2, 2001::/32 (Teredo)",
            "2001:10::1, 2001:10::/28 (ORCHID)",
            "2001:20::1, 2001:20::/28 (ORCHIDv2)",
            "2001:db8::1, 2001:db8::/32 (documentation)",
            "2002:5db8:d70e::1, 2002::/16 (6to4)",
            "fd00:ec2::254, fc00::/7 (unique-local)",
            "fc00::1, fc00::/7 (unique-local)",
            "fe80::1, fe80::/10 (link-local)",
            "febf::1, fe80::/10 (link-local)",
            "ff02::1, ff00::/8 (multicast)",
    })
    void blocksEveryDefaultRangeAndNamesIt(String address, String range) {
        Decision decision = defaults.evaluate(ip(address));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo(address + " is in blocked range " + range);
    }

    @Test
    void everyDefaultRangeHasABlockedExample() {
        List<String> examples = List.of("0.1.2.3", "10.0.0.1", "100.64.0.1", "127.0.0.1", "169.254.169.254",
                "172.16.0.1", "192.0.0.8", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.19.255.1", "198.51.100.7",
                "203.0.113.9", "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1",
                "::5db8:d70e", "::ffff:93.184.215.14", "::ffff:0:5db8:d70e", "::1:0:0:1", "100:0:0:1::5",
                "2001:2::1", "3fff::1", "5f00::1", "64:ff9b::5db8:d70e", "64:ff9b:1::a", "100::1",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:10::1", "2001:20::1", "2001:db8::1", "2002:5db8:d70e::1",
                "fd00:ec2::254", "fe80::1", "ff02::1");
        Set<BlockedRange> hit = new HashSet<>();
        for (String example : examples) {
            defaults.blockedRanges().stream().filter(range -> range.range().contains(ip(example))).forEach(hit::add);
        }

        assertThat(hit).containsExactlyInAnyOrderElementsOf(defaults.blockedRanges());
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255",
            "172.32.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255", "2606:4700::1111",
            "2001:4860:4860::8888", "2a00:1450:4001::1", "2001:db9::1", "2003::1", "100:0:0:2::1",
            "2a00:1450::200:5efe:5db8:d70e", "200::1", "2001:3::1", "3fff:1000::1", "5f01::1"})
    void letsPublicAddressesThrough(String address) {
        Decision decision = defaults.evaluate(ip(address));

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.reason()).isEqualTo(address + " is not in a blocked range");
    }

    @Test
    void reportsTheIpv4InsideAMappedAddress() {
        Decision decision = defaults.evaluate(ip("::ffff:127.0.0.1"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo("::ffff:127.0.0.1 embeds 127.0.0.1 (IPv4-mapped), which is in"
                + " blocked range 127.0.0.0/8 (loopback)");
    }

    @Test
    void blocksTheInet4AddressJavaMakesOfAMappedAddress() throws UnknownHostException {
        InetAddress javaMapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1});

        Decision decision = defaults.evaluate(javaMapped);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo("127.0.0.1 is in blocked range 127.0.0.0/8 (loopback)");
    }

    @Test
    void reportsTheIpv4InsideANat64Address() {
        Decision decision = defaults.evaluate(ip("64:ff9b::a00:1"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo("64:ff9b::a00:1 embeds 10.0.0.1 (NAT64), which is in blocked range"
                + " 10.0.0.0/8 (private)");
    }

    @Test
    void reportsTheIpv4InsideA6to4Address() {
        Decision decision = defaults.evaluate(ip("2002:c0a8:101::"));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo("2002:c0a8:101:: embeds 192.168.1.1 (6to4), which is in blocked"
                + " range 192.168.0.0/16 (private)");
    }

    /**
     * Every IPv6 form that carries an IPv4 address where a kernel, a tunnel or a translator may deliver it, with the
     * metadata service's address inside: each names the IPv4 it leads to. Linux routes ::/96 over sit0 to the
     * embedded address once the sit module is loaded; SIIT translators (RFC 7915) map ::ffff:0:0:0/96 and the
     * RFC 6052 prefixes; 6to4 relays and ISATAP routers deliver to the IPv4 inside.
     */
    @ParameterizedTest
    @CsvSource({
            "::a9fe:a9fe, 169.254.169.254 (IPv4-compatible), 169.254.0.0/16 (link-local)",
            "::7f00:1, 127.0.0.1 (IPv4-compatible), 127.0.0.0/8 (loopback)",
            "::ffff:0:a9fe:a9fe, 169.254.169.254 (IPv4-translated), 169.254.0.0/16 (link-local)",
            "::ffff:0:7f00:1, 127.0.0.1 (IPv4-translated), 127.0.0.0/8 (loopback)",
            "::ffff:169.254.169.254, 169.254.169.254 (IPv4-mapped), 169.254.0.0/16 (link-local)",
            "64:ff9b::a9fe:a9fe, 169.254.169.254 (NAT64), 169.254.0.0/16 (link-local)",
            "64:ff9b::6440:1, 100.64.0.1 (NAT64), 100.64.0.0/10 (CGNAT)",
            "2002:a9fe:a9fe::1, 169.254.169.254 (6to4), 169.254.0.0/16 (link-local)",
            "2a00:1450::5efe:a9fe:a9fe, 169.254.169.254 (ISATAP), 169.254.0.0/16 (link-local)",
            "2a00:1450::200:5efe:a00:1, 10.0.0.1 (ISATAP), 10.0.0.0/8 (private)",
    })
    void judgesEveryIpv6FormOfAnIpv4AddressByTheIpv4Inside(String address, String embedded, String range) {
        Decision decision = defaults.evaluate(ip(address));

        assertThat(decision.allowed()).as("%s must be refused", address).isFalse();
        assertThat(decision.reason()).isEqualTo(address + " embeds " + embedded + ", which is in blocked range "
                + range);
    }

    @Test
    void refusesPublicIpv4AddressesInTheDeprecatedAndTranslatedFormsToo() {
        assertThat(defaults.evaluate(ip("::5db8:d70e")).allowed()).isFalse();
        assertThat(defaults.evaluate(ip("::ffff:0:5db8:d70e")).allowed()).isFalse();
        assertThat(defaults.evaluate(ip("64:ff9b::5db8:d70e")).allowed()).isFalse();
        assertThat(defaults.evaluate(ip("2a00:1450::5efe:5db8:d70e")).allowed())
                .as("an ISATAP address of a public IPv4 lies in an ordinary global prefix").isTrue();
    }

    @ParameterizedTest
    @CsvSource({
            "2001:db8::/32, 2001:db8:a9fe:a9fe::, 169.254.169.254",
            "2001:db8:100::/40, 2001:db8:1a9:fea9:fe::, 169.254.169.254",
            "2001:db8:122::/48, 2001:db8:122:a9fe:a9:fe00::, 169.254.169.254",
            "2001:db8:122:300::/56, 2001:db8:122:3a9:fe:a9fe::, 169.254.169.254",
            "2001:db8:122:344::/64, 2001:db8:122:344:a9:fea9:fe00:0, 169.254.169.254",
            "2001:db8:122:344::/96, 2001:db8:122:344::7f00:1, 127.0.0.1",
    })
    void judgesAddressesInAConfiguredNat64PrefixByTheIpv4InsideAsRfc6052PlacesIt(String prefix, String address,
                                                                                String ipv4) {
        TargetPolicy policy = TargetPolicy.fromConfig("", prefix);

        Decision decision = policy.evaluate(ip(address));

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).startsWith(address + " embeds " + ipv4 + " (NAT64 prefix " + prefix + ")");
    }

    @Test
    void aConfiguredNat64PrefixLetsPublicIpv4AddressesThrough() {
        TargetPolicy policy = TargetPolicy.fromConfig("", "2a00:1450:64::/96");

        assertThat(policy.evaluate(ip("2a00:1450:64::5db8:d70e")).allowed()).isTrue();
        assertThat(policy.nat64Prefixes()).extracting(Cidr::toString).containsExactly("2a00:1450:64::/96");
    }

    @Test
    void refusesNat64PrefixesOfALengthRfc6052DoesNotDefine() {
        assertThatThrownBy(() -> TargetPolicy.fromConfig("", "2001:db8::/33"))
                .isInstanceOfSatisfying(InvalidTargetException.class,
                        e -> assertThat(e.field()).isEqualTo("nat64Prefixes"))
                .hasMessageContaining("2001:db8::/33 is not a NAT64 prefix; RFC 6052 prefixes are IPv6 /32, /40,"
                        + " /48, /56, /64 or /96");
        assertThatThrownBy(() -> TargetPolicy.fromConfig("", "10.0.0.0/32"))
                .hasMessageContaining("is not a NAT64 prefix");
    }

    @Test
    void allowListLetsItsRangePassAlsoInMappedForm() throws UnknownHostException {
        TargetPolicy policy = TargetPolicy.fromConfig("127.0.0.0/8");
        InetAddress javaMapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1});

        assertThat(policy.evaluate(ip("127.0.0.1")))
                .isEqualTo(new Decision(true, "127.0.0.1 is in allowed range 127.0.0.0/8"));
        assertThat(policy.evaluate(javaMapped).allowed()).isTrue();
        assertThat(policy.evaluate(ip("::ffff:127.0.0.1")))
                .isEqualTo(new Decision(true, "::ffff:127.0.0.1 embeds 127.0.0.1 (IPv4-mapped), which is in allowed"
                        + " range 127.0.0.0/8"));
        assertThat(policy.evaluate(ip("64:ff9b::7f00:1")).allowed()).isTrue();
    }

    @Test
    void allowListLeavesOtherBlockedRangesBlocked() {
        TargetPolicy policy = TargetPolicy.fromConfig("127.0.0.0/8");

        assertThat(policy.evaluate(ip("10.0.0.1")))
                .isEqualTo(new Decision(false, "10.0.0.1 is in blocked range 10.0.0.0/8 (private)"));
        assertThat(policy.evaluate(ip("::1")).allowed()).isFalse();
        assertThat(policy.evaluate(ip("::ffff:10.0.0.1")).allowed()).isFalse();
    }

    @Test
    void allowListTakesIpv6RangesAndSingleHosts() {
        TargetPolicy policy = TargetPolicy.fromConfig(" ::1 , fd00::/8,192.168.1.10 ,");

        assertThat(policy.allowedRanges()).extracting(Cidr::toString)
                .containsExactly("::1/128", "fd00::/8", "192.168.1.10/32");
        assertThat(policy.evaluate(ip("::1")).allowed()).isTrue();
        assertThat(policy.evaluate(ip("fd00:ec2::254")).allowed()).isTrue();
        assertThat(policy.evaluate(ip("fc00::1")).allowed()).isFalse();
        assertThat(policy.evaluate(ip("192.168.1.10")).allowed()).isTrue();
        assertThat(policy.evaluate(ip("192.168.1.11")).allowed()).isFalse();
    }

    @Test
    void allowingReturnsACopyAndLeavesTheOriginalAlone() {
        TargetPolicy loopback = defaults.allowing(List.of(Cidr.parse("127.0.0.0/8")));
        TargetPolicy both = loopback.allowing(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.0/8")));

        assertThat(defaults.evaluate(ip("127.0.0.1")).allowed()).isFalse();
        assertThat(loopback.evaluate(ip("10.0.0.1")).allowed()).isFalse();
        assertThat(both.evaluate(ip("10.0.0.1")).allowed()).isTrue();
        assertThat(both.evaluate(ip("127.0.0.1")).allowed()).isTrue();
        assertThat(both.allowedRanges()).hasSize(2);
    }

    @Test
    void blankConfigMeansDefaultsOnly() {
        assertThat(TargetPolicy.fromConfig(null).allowedRanges()).isEmpty();
        assertThat(TargetPolicy.fromConfig("  ").allowedRanges()).isEmpty();
        assertThat(TargetPolicy.fromConfig("").evaluate(ip("127.0.0.1")).allowed()).isFalse();
    }

    @Test
    void rejectsConfigEntryThatIsNotACidr() {
        assertThatThrownBy(() -> TargetPolicy.fromConfig("127.0.0.0/8, localhost"))
                .isInstanceOfSatisfying(InvalidTargetException.class, e -> assertThat(e.field()).isEqualTo("allowList"))
                .hasMessageContaining("allow list: \"localhost\" is not a network");
        assertThatThrownBy(() -> TargetPolicy.fromConfig("10.0.0.1/8"))
                .hasMessageContaining("the network is 10.0.0.0/8");
    }

    @Test
    void evaluateAllRefusesWhenAnyAddressIsBlocked() {
        Decision decision = defaults.evaluateAll(List.of(ip("93.184.215.14"), ip("10.1.2.3"), ip("::1")));

        assertThat(decision).isEqualTo(new Decision(false, "10.1.2.3 is in blocked range 10.0.0.0/8 (private)"));
    }

    @Test
    void evaluateAllAllowsWhenEveryAddressIsAllowed() {
        assertThat(defaults.evaluateAll(List.of(ip("93.184.215.14"), ip("2606:4700::1111"))))
                .isEqualTo(new Decision(true, "all 2 addresses are allowed"));
        assertThat(defaults.evaluateAll(List.of(ip("93.184.215.14"))))
                .isEqualTo(new Decision(true, "93.184.215.14 is not in a blocked range"));
    }

    @Test
    void evaluateAllRefusesAnEmptySet() {
        assertThat(defaults.evaluateAll(List.of()).allowed()).isFalse();
    }
}
