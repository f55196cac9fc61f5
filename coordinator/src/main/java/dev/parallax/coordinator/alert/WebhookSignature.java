package dev.parallax.coordinator.alert;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The {@code X-Parallax-Signature} header: {@code sha256=} and the lowercase hex HMAC-SHA256 of the raw request
 * body, keyed with the UTF-8 bytes of the schedule's webhook secret. A receiver recomputes it over the bytes it
 * received and compares in constant time.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Parallax-Signature";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
