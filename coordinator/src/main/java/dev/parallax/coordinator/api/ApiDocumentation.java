package dev.parallax.coordinator.api;

/**
 * Names the OpenAPI description shares between its parts (tags, the security scheme, the shared headers and error
 * answers declared in {@code package-info.java}), and its longer texts.
 */
final class ApiDocumentation {

    static final String CHECKS_TAG = "Checks";
    static final String SCHEDULES_TAG = "Schedules";
    static final String REGIONS_TAG = "Regions";
    static final String METRICS_TAG = "Metrics";
    static final String ADMIN_TAG = "Admin";

    /** The security scheme: an API key sent as a bearer token. */
    static final String API_KEY = "apiKey";

    static final String UNAUTHENTICATED = "Unauthenticated";
    static final String FORBIDDEN = "Forbidden";
    static final String REQUEST_TOO_LARGE = "RequestTooLarge";
    static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    static final String TOO_MANY_REQUESTS = "TooManyRequests";
    static final String INTERNAL_ERROR = "InternalError";
    static final String UNAVAILABLE = "Unavailable";

    static final String RETRY_AFTER = "Retry-After";
    static final String RATE_LIMIT_LIMIT = "X-RateLimit-Limit";
    static final String RATE_LIMIT_REMAINING = "X-RateLimit-Remaining";
    static final String RATE_LIMIT_RESET = "X-RateLimit-Reset";
    static final String REQUEST_COST = "X-Request-Cost";
    static final String LOCATION = "Location";

    static final String DESCRIPTION = """
            Parallax checks whether TCP ports are reachable from several network vantage points (regions) at once, \
            and says where the regions disagree.

            A check is submitted with `POST /api/v1/checks` and answered `202 Accepted` at once: it is durable by \
            then, and each region's agent probes the target and reports back. Read the result with \
            `GET /api/v1/checks/{id}` (poll until `status` is `COMPLETE`) or follow it live with the Server-Sent \
            Events of `GET /api/v1/checks/{id}/events`. Schedules run a check again and again, keep its history and \
            uptime, and alert through webhooks.

            **Verdicts.** Each region gives one verdict per (resolved address, port) in nmap's vocabulary: `OPEN` \
            (reason `syn-ack`), `CLOSED` (`conn-refused`, `self-connect`), `FILTERED` (`no-response`, \
            `host-unreach`, `net-unreach`, `admin-prohibited`) or `ERROR` (`local-error`: the prober failed on its \
            own side, which says nothing about the target). A port is `consistent` when every region that answered \
            saw the same state, else `divergent`; an ERROR never counts as a disagreement.

            **Keys and scopes.** Every request carries `Authorization: Bearer pxk_…`; each operation says which \
            scope it needs, and `admin` may do everything. Checks and schedules belong to the key's owner: another \
            owner's are answered `404`, exactly as if they did not exist.

            **Limits.** Requests per second and check cost per hour (ports x regions), per key: over either, `429` \
            with `Retry-After` and `X-RateLimit-*`. A body over 8 KB is `413` before it is read.

            **Errors.** Every error is an RFC 9457 problem (`application/problem+json`) whose `detail` says what to \
            fix; a `400` lists every wrong field in `errors`.""";

    static final String API_KEY_DESCRIPTION = """
            An API key, `pxk_` and 256 random bits, sent as `Authorization: Bearer <key>`. Keys are issued with \
            `POST /api/v1/admin/keys`; the first admin key comes from the coordinator's configuration \
            (`parallax.auth.admin-key`). Each key has an owner and scopes: `checks:write` (submit checks), \
            `checks:read` (read checks and schedules), `schedules:write` (create, change, delete and read \
            schedules) and `admin` (everything, and key management); the scopes an operation lists in its security \
            requirements are alternatives. A deployment may serve callers without a key \
            (`parallax.auth.anonymous.enabled`): they are all the owner `anonymous`, with `checks:write`, \
            `checks:read` and `schedules:write`, rate-limited per client address.""";

    private ApiDocumentation() {
    }
}
