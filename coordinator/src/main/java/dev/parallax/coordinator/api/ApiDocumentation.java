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
    static final String REQUEST_TIMEOUT = "RequestTimeout";
    static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    static final String TOO_MANY_REQUESTS = "TooManyRequests";
    static final String SCHEDULE_OVER_BUDGET = "ScheduleOverBudget";
    static final String INTERNAL_ERROR = "InternalError";
    static final String UNAVAILABLE = "Unavailable";

    static final String RETRY_AFTER = "Retry-After";
    static final String RATE_LIMIT_LIMIT = "X-RateLimit-Limit";
    static final String RATE_LIMIT_REMAINING = "X-RateLimit-Remaining";
    static final String RATE_LIMIT_RESET = "X-RateLimit-Reset";
    static final String REQUEST_COST = "X-Request-Cost";
    static final String LOCATION = "Location";

    // The fields a check and a schedule share, described once for both.

    static final String TARGET = "A hostname (RFC 1123; an internationalised name is turned into A-labels) or an IP "
            + "literal. Not a URL and not `host:port`; addresses the target policy blocks (private, loopback, "
            + "link-local, …) are refused.";
    static final String PORTS = "Port numbers and ranges, e.g. `[22, 443, \"8000-8010\"]`: 1-65535, duplicates "
            + "removed, at most 1,024 (`parallax.checks.max-ports`).";
    static final String REGIONS = "The regions to probe from: a list of names, e.g. `[\"eu-west\", \"us-east\"]`, "
            + "or `\"all\"`. Absent or `\"all\"`: every region with a live agent (at each run, for a schedule). A "
            + "region that is neither configured nor registered by an agent is refused, and the error lists the "
            + "known ones.";
    static final String LIMIT = "Probe from only this many of those regions, picked at random (again at each run, "
            + "for a schedule) so that the load spreads: 1 to 32 (`parallax.checks.max-regions`).";
    static final String TIMEOUT_MS = "The connect deadline of each probe, in milliseconds: 100 to 10,000; "
            + "`parallax.checks.default-timeout` (2,000) when absent.";
    static final String IP_FAMILY = "Which of the target's resolved addresses to probe: `any` (the default), "
            + "`ipv4` or `ipv6`.";
    static final String EVERY = "How often to run: `\"30s\"`, `\"5m\"`, `\"1h30m\"` or ISO-8601 `\"PT30S\"`, at "
            + "least `parallax.schedules.min-interval` (10 s). Give `every` or `cron`, not both.";
    static final String CRON = "Instead of `every`: a Quartz cron expression in UTC, seconds first, e.g. "
            + "`\"0 */5 * * * ?\"`; its densest gap must respect the minimum interval too.";
    static final String EXPECT = "The port state that counts as up: `open` (the default), `closed` or `filtered` "
            + "(to watch that a port stays shut). Case does not matter.";
    static final String ALERT = "Where events go and when a change counts: `webhook`, `quorum` (default 1) and "
            + "`consecutive` (default 2), every field optional; `secret` cannot be sent.";

    // Fields several answers share.

    static final String CHECK_ID = "The check's id.";
    static final String CHECK_STATUS = "`PENDING` until the first region answers, `RUNNING` while others are "
            + "pending, then `COMPLETE` (every region has ended, with an answer or not).";
    static final String CHECK_PORTS = "The ports probed, in canonical form: ascending, runs of three or more as "
            + "ranges, e.g. `\"22,80,8000-8010\"`.";
    static final String CREATED_AT = "When the check was accepted.";
    static final String DEADLINE = "When a region without an answer ends `UNAVAILABLE`: accepted + timeout x "
            + "ceil(ports / 256) + 30 s (`parallax.checks.deadline-grace`).";
    static final String REGION_NAME = "The region's name.";
    static final String REGION_STATUS = "Where the region stands: `PENDING` until it ends; then `DONE` (every port "
            + "probed), `BLOCKED` (the target policy refused an address the agent resolved), `UNRESOLVED` (no "
            + "address of the requested family), `EXPIRED` (the job reached the agent after its deadline), "
            + "`UNAVAILABLE` (no verdict by the deadline, or no live agent: `no-live-agent`) or `FAILED` (the agent "
            + "failed; `message` says how).";
    static final String PORT_STATE = "The port's state as seen from the region: `OPEN`, `CLOSED`, `FILTERED`, or "
            + "`ERROR` (the prober failed on its own side: says nothing about the target).";
    static final String REASON = "Why, in nmap's vocabulary: `syn-ack` (OPEN), `conn-refused` or `self-connect` "
            + "(CLOSED), `no-response`, `host-unreach`, `net-unreach` or `admin-prohibited` (FILTERED), "
            + "`local-error` (ERROR).";
    static final String RTT_MICROS = "Time to the answer in microseconds: the handshake (OPEN), the reset "
            + "(CLOSED), or the wait until the timeout or ICMP error (FILTERED).";
    static final String SELF = "The URL to read it at.";

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
