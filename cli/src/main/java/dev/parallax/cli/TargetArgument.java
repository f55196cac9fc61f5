package dev.parallax.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code host:ports} argument: {@code example.com:443,22}, {@code 192.0.2.1:8000-8010} or
 * {@code [2001:db8::1]:443}. The ports stay as the API reads them (numbers, and ranges as strings); the API
 * validates host and ports, this only splits them.
 */
record TargetArgument(String host, List<Object> ports) {

    static TargetArgument parse(String argument) {
        String text = argument == null ? "" : argument.strip();
        String host;
        String ports;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("write an IPv6 target as [address]:ports, e.g. [2001:db8::1]:443;"
                        + " got '" + argument + "'");
            }
            host = text.substring(1, close);
            ports = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("give the target as host:ports, e.g. example.com:443,22 (an IPv6"
                        + " address in brackets); got '" + argument + "'");
            }
            host = text.substring(0, colon);
            ports = text.substring(colon + 1);
        }
        if (host.isBlank() || ports.isBlank()) {
            throw new IllegalArgumentException("give the target as host:ports, e.g. example.com:443,22; got '"
                    + argument + "'");
        }
        List<Object> parsed = new ArrayList<>();
        for (String port : ports.split(",")) {
            String item = port.strip();
            if (item.matches("\\d{1,9}")) {
                parsed.add(Integer.parseInt(item));
            } else if (!item.isEmpty()) {
                // Ranges ("8000-8010") and anything else go to the API as written: it says what is wrong.
                parsed.add(item);
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("no port in '" + argument + "'");
        }
        return new TargetArgument(host, List.copyOf(parsed));
    }
}
