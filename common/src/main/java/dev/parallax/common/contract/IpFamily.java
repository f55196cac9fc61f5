package dev.parallax.common.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Which resolved addresses an agent probes. */
public enum IpFamily {
    ANY,
    IPV4,
    IPV6;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static IpFamily fromWireName(String wireName) {
        for (IpFamily family : values()) {
            if (family.wireName().equals(wireName)) {
                return family;
            }
        }
        throw new IllegalArgumentException("ipFamily must be one of any, ipv4, ipv6; got '" + wireName + "'");
    }
}
