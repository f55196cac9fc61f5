package dev.parallax.coordinator.api;

/**
 * Example bodies for the OpenAPI description, shaped like real answers (several are taken from the sessions in the
 * README and docs/api.md), kept here so that the resources' annotations stay readable.
 */
final class ApiExamples {

    private ApiExamples() {
    }

    // Checks

    static final String SUBMIT_CHECK = """
            {"target": "shop.example.com", "ports": [25, 80, 443], "regions": ["eu-west", "us-east", "ap-south"],
             "timeoutMs": 2000}""";

    static final String SUBMIT_CHECK_EVERY_REGION = """
            {"target": "203.0.113.10", "ports": [22, "8000-8010"], "regions": "all", "limit": 2,
             "ipFamily": "ipv4"}""";

    static final String CHECK_ACCEPTED = """
            {
              "id": "1e067e1d-5c15-4f46-8c2e-abfdb8172fe3",
              "status": "PENDING",
              "target": "shop.example.com",
              "ports": "25,80,443",
              "regions": ["eu-west", "us-east", "ap-south"],
              "timeoutMs": 2000,
              "ipFamily": "any",
              "createdAt": "2026-11-26T06:43:38.651903Z",
              "deadline": "2026-11-26T06:44:10.651903Z",
              "self": "https://parallax.example.com/api/v1/checks/1e067e1d-5c15-4f46-8c2e-abfdb8172fe3"
            }""";

    /** The regions disagree about 443: open, closed (a firewall's reset) and filtered (a firewall's drop). */
    static final String CHECK_DIVERGENT = """
            {
              "id": "1e067e1d-5c15-4f46-8c2e-abfdb8172fe3",
              "status": "COMPLETE",
              "target": "shop.example.com",
              "ports": "25,80,443",
              "timeoutMs": 2000,
              "ipFamily": "any",
              "createdAt": "2026-11-26T06:43:38.651903Z",
              "deadline": "2026-11-26T06:44:10.651903Z",
              "completedAt": "2026-11-26T06:43:40.761096Z",
              "regions": [
                {
                  "region": "ap-south", "status": "DONE", "agentId": "ap-south-1", "message": null,
                  "resolvedAddresses": ["203.0.113.10"], "resolveMicros": 1840,
                  "startedAt": "2026-11-26T06:43:38.734882Z", "finishedAt": "2026-11-26T06:43:40.738938Z",
                  "ports": [
                    {"address": "203.0.113.10", "port": 25, "state": "CLOSED", "reason": "conn-refused", "rttMicros": 42900, "message": null},
                    {"address": "203.0.113.10", "port": 80, "state": "OPEN", "reason": "syn-ack", "rttMicros": 47000, "message": null},
                    {"address": "203.0.113.10", "port": 443, "state": "FILTERED", "reason": "no-response", "rttMicros": 2002547, "message": null}
                  ]
                },
                {
                  "region": "eu-west", "status": "DONE", "agentId": "eu-west-1", "message": null,
                  "resolvedAddresses": ["203.0.113.10"], "resolveMicros": 950,
                  "startedAt": "2026-11-26T06:43:38.832639Z", "finishedAt": "2026-11-26T06:43:38.833784Z",
                  "ports": [
                    {"address": "203.0.113.10", "port": 25, "state": "CLOSED", "reason": "conn-refused", "rttMicros": 6700, "message": null},
                    {"address": "203.0.113.10", "port": 80, "state": "OPEN", "reason": "syn-ack", "rttMicros": 8700, "message": null},
                    {"address": "203.0.113.10", "port": 443, "state": "OPEN", "reason": "syn-ack", "rttMicros": 8430, "message": null}
                  ]
                },
                {
                  "region": "us-east", "status": "DONE", "agentId": "us-east-1", "message": null,
                  "resolvedAddresses": ["203.0.113.10"], "resolveMicros": 1220,
                  "startedAt": "2026-11-26T06:43:38.746201Z", "finishedAt": "2026-11-26T06:43:38.747112Z",
                  "ports": [
                    {"address": "203.0.113.10", "port": 25, "state": "CLOSED", "reason": "conn-refused", "rttMicros": 78900, "message": null},
                    {"address": "203.0.113.10", "port": 80, "state": "OPEN", "reason": "syn-ack", "rttMicros": 80100, "message": null},
                    {"address": "203.0.113.10", "port": 443, "state": "CLOSED", "reason": "conn-refused", "rttMicros": 79480, "message": null}
                  ]
                }
              ],
              "comparison": {
                "summary": "443 open from eu-west; closed from us-east; filtered from ap-south. 25 closed from ap-south, eu-west, us-east. 80 open from ap-south, eu-west, us-east.",
                "divergentPorts": [443],
                "answered": ["ap-south", "eu-west", "us-east"],
                "unanswered": [],
                "ports": [
                  {"port": 25, "verdict": "consistent", "states": {"CLOSED": ["ap-south", "eu-west", "us-east"]}},
                  {"port": 80, "verdict": "consistent", "states": {"OPEN": ["ap-south", "eu-west", "us-east"]}},
                  {"port": 443, "verdict": "divergent", "states": {"OPEN": ["eu-west"], "CLOSED": ["us-east"], "FILTERED": ["ap-south"]}}
                ]
              }
            }""";

    /** One region has answered, the other is still pending. */
    static final String CHECK_RUNNING = """
            {
              "id": "64dd0153-122b-4a11-a8d8-fc6d219e51f6",
              "status": "RUNNING",
              "target": "shop.example.com",
              "ports": "443",
              "timeoutMs": 2000,
              "ipFamily": "any",
              "createdAt": "2026-11-26T10:15:49.102311Z",
              "deadline": "2026-11-26T10:16:21.102311Z",
              "completedAt": null,
              "regions": [
                {
                  "region": "eu-west", "status": "DONE", "agentId": "eu-west-1", "message": null,
                  "resolvedAddresses": ["203.0.113.10", "2001:db8::10"], "resolveMicros": 950,
                  "startedAt": "2026-11-26T10:15:49.180112Z", "finishedAt": "2026-11-26T10:15:49.191024Z",
                  "ports": [
                    {"address": "203.0.113.10", "port": 443, "state": "OPEN", "reason": "syn-ack", "rttMicros": 8430, "message": null},
                    {"address": "2001:db8::10", "port": 443, "state": "OPEN", "reason": "syn-ack", "rttMicros": 8810, "message": null}
                  ]
                },
                {
                  "region": "us-east", "status": "PENDING", "agentId": null, "message": null,
                  "resolvedAddresses": [], "resolveMicros": null, "startedAt": null, "finishedAt": null, "ports": []
                }
              ],
              "comparison": {
                "summary": "443 open from eu-west. No answer from us-east.",
                "divergentPorts": [],
                "answered": ["eu-west"],
                "unanswered": ["us-east"],
                "ports": [{"port": 443, "verdict": "consistent", "states": {"OPEN": ["eu-west"]}}]
              }
            }""";

    static final String CHECK_PAGE = """
            {
              "checks": [
                {
                  "id": "1e067e1d-5c15-4f46-8c2e-abfdb8172fe3", "status": "COMPLETE", "target": "shop.example.com",
                  "ports": "25,80,443", "createdAt": "2026-11-26T06:43:38.651903Z",
                  "completedAt": "2026-11-26T06:43:40.761096Z",
                  "regions": {"ap-south": "DONE", "eu-west": "DONE", "us-east": "DONE"}, "divergentPorts": 1,
                  "self": "https://parallax.example.com/api/v1/checks/1e067e1d-5c15-4f46-8c2e-abfdb8172fe3"
                },
                {
                  "id": "d73511fc-caf1-47f4-bda0-63351751a6fc", "status": "COMPLETE", "target": "203.0.113.10",
                  "ports": "8080,8089", "createdAt": "2026-11-26T06:41:27.346214Z",
                  "completedAt": "2026-11-26T06:41:28.023809Z",
                  "regions": {"eu-west": "DONE", "us-east": "UNAVAILABLE"}, "divergentPorts": 0,
                  "self": "https://parallax.example.com/api/v1/checks/d73511fc-caf1-47f4-bda0-63351751a6fc"
                }
              ],
              "next": "https://parallax.example.com/api/v1/checks?limit=2&before=d73511fc-caf1-47f4-bda0-63351751a6fc"
            }""";

    static final String CHECK_EVENT_STREAM = """
            event: region
            id: eu-west
            data: {"region":"eu-west","status":"DONE","agentId":"eu-west-1","message":null,"resolvedAddresses":["203.0.113.10"],"resolveMicros":950,"startedAt":"2026-11-26T06:43:38.832639Z","finishedAt":"2026-11-26T06:43:38.833784Z","ports":[{"address":"203.0.113.10","port":443,"state":"OPEN","reason":"syn-ack","rttMicros":8430,"message":null}]}

            event: region
            id: ap-south
            data: {"region":"ap-south","status":"DONE","agentId":"ap-south-1","message":null,"resolvedAddresses":["203.0.113.10"],"resolveMicros":1840,"startedAt":"2026-11-26T06:43:38.734882Z","finishedAt":"2026-11-26T06:43:40.738938Z","ports":[{"address":"203.0.113.10","port":443,"state":"FILTERED","reason":"no-response","rttMicros":2002547,"message":null}]}

            event: complete
            id: complete
            data: {"id":"1e067e1d-5c15-4f46-8c2e-abfdb8172fe3","status":"COMPLETE","target":"shop.example.com","ports":"443","timeoutMs":2000,"ipFamily":"any","createdAt":"2026-11-26T06:43:38.651903Z","deadline":"2026-11-26T06:44:10.651903Z","completedAt":"2026-11-26T06:43:40.761096Z","regions":[{"region":"ap-south","status":"DONE","agentId":"ap-south-1","message":null,"resolvedAddresses":["203.0.113.10"],"resolveMicros":1840,"startedAt":"2026-11-26T06:43:38.734882Z","finishedAt":"2026-11-26T06:43:40.738938Z","ports":[{"address":"203.0.113.10","port":443,"state":"FILTERED","reason":"no-response","rttMicros":2002547,"message":null}]},{"region":"eu-west","status":"DONE","agentId":"eu-west-1","message":null,"resolvedAddresses":["203.0.113.10"],"resolveMicros":950,"startedAt":"2026-11-26T06:43:38.832639Z","finishedAt":"2026-11-26T06:43:38.833784Z","ports":[{"address":"203.0.113.10","port":443,"state":"OPEN","reason":"syn-ack","rttMicros":8430,"message":null}]}],"comparison":{"summary":"443 open from eu-west; filtered from ap-south.","divergentPorts":[443],"answered":["ap-south","eu-west"],"unanswered":[],"ports":[{"port":443,"verdict":"divergent","states":{"OPEN":["eu-west"],"FILTERED":["ap-south"]}}]}}

            """;

    // Regions and agents

    static final String REGIONS = """
            [
              {"region": "ap-south", "liveAgents": 1, "agents": 1, "lastSeen": "2026-11-26T06:28:41.020011Z"},
              {"region": "eu-west", "liveAgents": 2, "agents": 2, "lastSeen": "2026-11-26T06:28:42.024565Z"},
              {"region": "us-east", "liveAgents": 0, "agents": 1, "lastSeen": "2026-11-26T06:20:03.512240Z"}
            ]""";

    static final String AGENTS = """
            [
              {"agentId": "eu-west-1", "region": "eu-west", "online": true, "lastSeen": "2026-11-26T06:28:42.024565Z",
               "version": "0.1.0", "probeCapacity": 256, "startedAt": "2026-11-26T05:02:11.870341Z",
               "egressAddresses": ["198.51.100.23", "2001:db8:1::23"]},
              {"agentId": "us-east-1", "region": "us-east", "online": false, "lastSeen": "2026-11-26T06:20:03.512240Z",
               "version": "0.1.0", "probeCapacity": 256, "startedAt": "2026-11-26T05:02:12.004417Z",
               "egressAddresses": ["192.0.2.41"]}
            ]""";

    // Schedules

    static final String CREATE_SCHEDULE = """
            {"target": "shop.example.com", "ports": [80, 443], "every": "1m", "timeoutMs": 1000,
             "alert": {"webhook": "https://hooks.example.com/parallax", "quorum": 2, "consecutive": 2}}""";

    static final String CREATE_CRON_SCHEDULE = """
            {"target": "203.0.113.10", "ports": [5432], "regions": ["eu-west", "us-east"],
             "cron": "0 */5 * * * ?", "expect": "filtered"}""";

    static final String SCHEDULE_CREATED = """
            {
              "id": "ed3784cd-a911-4883-b474-5eff668bc3f6", "paused": false, "target": "shop.example.com",
              "ports": "80,443", "regions": "all", "limit": null, "timeoutMs": 1000, "ipFamily": "any",
              "every": "PT1M", "cron": null, "expect": "OPEN",
              "alert": {"webhook": "https://hooks.example.com/parallax", "quorum": 2, "consecutive": 2,
                        "secret": "Xxk8g_WPsl-E3e2cFVimBpdQDvCZlcFJr9A1arqony0"},
              "costPerHour": 360, "overBudgetSince": null,
              "nextRunAt": "2026-11-26T07:52:23.099416Z", "lastRunAt": null,
              "createdAt": "2026-11-26T07:51:40.118220Z", "updatedAt": "2026-11-26T07:51:40.118220Z",
              "self": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6",
              "history": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/history",
              "uptime": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/uptime",
              "events": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/events"
            }""";

    static final String SCHEDULE = """
            {
              "id": "ed3784cd-a911-4883-b474-5eff668bc3f6", "paused": false, "target": "shop.example.com",
              "ports": "80,443", "regions": "all", "limit": null, "timeoutMs": 1000, "ipFamily": "any",
              "every": "PT1M", "cron": null, "expect": "OPEN",
              "alert": {"webhook": "https://hooks.example.com/parallax", "quorum": 2, "consecutive": 2},
              "costPerHour": 360, "overBudgetSince": null,
              "nextRunAt": "2026-11-26T08:04:23.099416Z", "lastRunAt": "2026-11-26T08:03:23.099416Z",
              "createdAt": "2026-11-26T07:51:40.118220Z", "updatedAt": "2026-11-26T07:51:40.118220Z",
              "self": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6",
              "history": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/history",
              "uptime": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/uptime",
              "events": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/events"
            }""";

    static final String SCHEDULE_LIST = "[" + SCHEDULE + "]";

    static final String PAUSE_SCHEDULE = """
            {"paused": true}""";

    static final String CHANGE_SCHEDULE = """
            {"cron": "0 0 * * * ?", "ports": [443], "alert": {"webhook": null}}""";

    static final String PAUSED_SCHEDULE = """
            {
              "id": "ed3784cd-a911-4883-b474-5eff668bc3f6", "paused": true, "target": "shop.example.com",
              "ports": "80,443", "regions": "all", "limit": null, "timeoutMs": 1000, "ipFamily": "any",
              "every": "PT1M", "cron": null, "expect": "OPEN",
              "alert": {"webhook": "https://hooks.example.com/parallax", "quorum": 2, "consecutive": 2},
              "costPerHour": 360, "overBudgetSince": null,
              "nextRunAt": null, "lastRunAt": "2026-11-26T08:03:23.099416Z",
              "createdAt": "2026-11-26T07:51:40.118220Z", "updatedAt": "2026-11-26T08:03:51.640093Z",
              "self": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6",
              "history": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/history",
              "uptime": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/uptime",
              "events": "https://parallax.example.com/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/events"
            }""";

    static final String SCHEDULE_HISTORY = """
            {
              "scheduleId": "ed3784cd-a911-4883-b474-5eff668bc3f6",
              "from": "2026-11-25T08:05:00Z",
              "to": "2026-11-26T08:05:00Z",
              "runs": [
                {
                  "dueAt": "2026-11-26T08:03:23.099416Z", "firedAt": "2026-11-26T08:03:23.218774Z",
                  "checkId": "5a0c8e7e-0f0b-4f57-9d55-2f4f7c1a8c11", "status": "COMPLETE", "outcome": null,
                  "regions": [
                    {"region": "eu-west", "status": "DONE", "message": null, "ports": [
                      {"port": 80, "address": "203.0.113.10", "state": "OPEN", "reason": "syn-ack", "rttMicros": 8700},
                      {"port": 443, "address": "203.0.113.10", "state": "OPEN", "reason": "syn-ack", "rttMicros": 8430}]},
                    {"region": "us-east", "status": "DONE", "message": null, "ports": [
                      {"port": 80, "address": "203.0.113.10", "state": "OPEN", "reason": "syn-ack", "rttMicros": 80100},
                      {"port": 443, "address": "203.0.113.10", "state": "CLOSED", "reason": "conn-refused", "rttMicros": 79480}]}
                  ],
                  "check": "https://parallax.example.com/api/v1/checks/5a0c8e7e-0f0b-4f57-9d55-2f4f7c1a8c11"
                },
                {
                  "dueAt": "2026-11-26T08:02:23.099416Z", "firedAt": "2026-11-26T08:02:23.164009Z",
                  "checkId": null, "status": null,
                  "outcome": "regions: no region has a live agent right now; name the regions to probe from, e.g. [\\"eu-west\\"], or retry shortly",
                  "regions": [], "check": null
                }
              ],
              "more": true
            }""";

    static final String SCHEDULE_UPTIME = """
            {
              "scheduleId": "ed3784cd-a911-4883-b474-5eff668bc3f6", "window": "24h",
              "from": "2026-11-25T07:00:00Z", "to": "2026-11-26T07:53:28.216983171Z", "expect": "OPEN",
              "regions": [
                {"region": "ap-south", "runs": 4, "answered": 4, "ports": [
                  {"port": 80, "samples": 4, "up": 4, "availability": 1.0, "latencyMicros": {"p50": 384, "p95": 6470, "p99": 6535}},
                  {"port": 443, "samples": 4, "up": 0, "availability": 0.0, "latencyMicros": {"p50": null, "p95": null, "p99": null}}]},
                {"region": "eu-west", "runs": 4, "answered": 3, "ports": [
                  {"port": 80, "samples": 3, "up": 3, "availability": 1.0, "latencyMicros": {"p50": 224, "p95": 4648, "p99": 4758}},
                  {"port": 443, "samples": 3, "up": 2, "availability": 0.6666666666666666, "latencyMicros": {"p50": 224, "p95": 4334, "p99": 4382}}]}
              ]
            }""";

    static final String SCHEDULE_EVENTS = """
            [
              {"eventId": "0b6f4a52-8d7e-4d89-9a3c-7f0e2c1b5d40", "kind": "alert-firing",
               "summary": "443 down from 2 region(s) (ap-south, us-east): alert, quorum 2", "port": 443, "region": null,
               "checkId": "5a0c8e7e-0f0b-4f57-9d55-2f4f7c1a8c11", "occurredAt": "2026-11-26T07:52:34.501474Z",
               "delivery": {"url": "https://hooks.example.com/parallax", "status": "DELIVERED",
                            "deliveredAt": "2026-11-26T07:52:36.712330Z", "attempts": [
                 {"attempt": 1, "at": "2026-11-26T07:52:34.530118Z", "httpStatus": 503, "error": null, "durationMs": 41},
                 {"attempt": 2, "at": "2026-11-26T07:52:35.561202Z", "httpStatus": null, "error": "connection refused", "durationMs": 3},
                 {"attempt": 3, "at": "2026-11-26T07:52:36.671950Z", "httpStatus": 204, "error": null, "durationMs": 40}]}},
              {"eventId": "9d2e11c0-37a4-4b51-8f0e-1c6a5e7d2b93", "kind": "port-down",
               "summary": "443 down from us-east: CLOSED/conn-refused in 2 run(s) in a row (expected OPEN)", "port": 443,
               "region": "us-east", "checkId": "5a0c8e7e-0f0b-4f57-9d55-2f4f7c1a8c11",
               "occurredAt": "2026-11-26T07:52:34.501474Z",
               "delivery": {"url": "https://hooks.example.com/parallax", "status": "PENDING", "deliveredAt": null,
                            "attempts": []}}
            ]""";

    static final String SCHEDULE_METRICS = """
            # HELP parallax_connect_seconds Time to the probe's answer in the latest run: the handshake for OPEN, the reset for CLOSED, the timeout for FILTERED without an answer.
            # TYPE parallax_connect_seconds gauge
            parallax_connect_seconds{address="203.0.113.10",port="443",region="eu-west",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",target="shop.example.com"} 0.00843
            # HELP parallax_port_open Whether the port answered OPEN from the region in the schedule's latest completed run (1) or not (0).
            # TYPE parallax_port_open gauge
            parallax_port_open{address="203.0.113.10",port="443",region="eu-west",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",target="shop.example.com"} 1.0
            parallax_port_open{address="203.0.113.10",port="443",region="us-east",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",target="shop.example.com"} 0.0
            # HELP parallax_port_state The port's state from the region in the latest run: 1 for the state it was in, 0 for the others.
            # TYPE parallax_port_state gauge
            parallax_port_state{address="203.0.113.10",port="443",region="us-east",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",state="closed",target="shop.example.com"} 1.0
            parallax_port_state{address="203.0.113.10",port="443",region="us-east",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",state="error",target="shop.example.com"} 0.0
            parallax_port_state{address="203.0.113.10",port="443",region="us-east",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",state="filtered",target="shop.example.com"} 0.0
            parallax_port_state{address="203.0.113.10",port="443",region="us-east",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",state="open",target="shop.example.com"} 0.0
            # HELP parallax_region_up Whether the region answered the latest run (1, DONE) or ended it otherwise (0: UNAVAILABLE, FAILED, BLOCKED, UNRESOLVED, EXPIRED), with that status.
            # TYPE parallax_region_up gauge
            parallax_region_up{region="eu-west",schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",status="done",target="shop.example.com"} 1.0
            # HELP parallax_run_timestamp_seconds When the schedule's latest completed run was submitted (Unix time): how fresh the other series are.
            # TYPE parallax_run_timestamp_seconds gauge
            parallax_run_timestamp_seconds{schedule="ed3784cd-a911-4883-b474-5eff668bc3f6",target="shop.example.com"} 1.795680203099E9
            """;

    // API keys

    static final String CREATE_API_KEY = """
            {"name": "ci", "owner": "team-a", "scopes": ["checks:write", "checks:read"], "costPerHour": 5000}""";

    static final String API_KEY_ISSUED = """
            {
              "id": "a46e417b-a4d5-400c-a83f-e1a12f669e83",
              "key": "pxk_yDJoHrNnEpwjGEBgIysRIf-_jfvk5fahff2R211FEOU",
              "keyPrefix": "pxk_yDJoHrN", "name": "ci", "owner": "team-a", "scopes": ["checks:write", "checks:read"],
              "costPerHour": 5000, "requestsPerSecond": 20, "createdAt": "2026-11-26T09:47:04.187272Z",
              "self": "https://parallax.example.com/api/v1/admin/keys/a46e417b-a4d5-400c-a83f-e1a12f669e83"
            }""";

    static final String API_KEY_REVOKED = """
            {
              "id": "a46e417b-a4d5-400c-a83f-e1a12f669e83",
              "keyPrefix": "pxk_yDJoHrN", "name": "ci", "owner": "team-a", "scopes": ["checks:write", "checks:read"],
              "costPerHour": 5000, "requestsPerSecond": 20, "createdAt": "2026-11-26T09:47:04.187272Z",
              "revokedAt": "2026-11-26T09:47:05.005611Z",
              "self": "https://parallax.example.com/api/v1/admin/keys/a46e417b-a4d5-400c-a83f-e1a12f669e83"
            }""";

    static final String API_KEYS = """
            [
              {"id": "0f5c7e0e-3a51-4c1f-b1d8-6b7f2f8a9e10", "keyPrefix": "local-admi", "name": "admin key from parallax.auth.admin-key",
               "owner": "admin", "scopes": ["admin"], "costPerHour": 10000, "requestsPerSecond": 20,
               "createdAt": "2026-11-26T09:40:00.512009Z",
               "self": "https://parallax.example.com/api/v1/admin/keys/0f5c7e0e-3a51-4c1f-b1d8-6b7f2f8a9e10"},
              {"id": "a46e417b-a4d5-400c-a83f-e1a12f669e83", "keyPrefix": "pxk_yDJoHrN", "name": "ci", "owner": "team-a",
               "scopes": ["checks:write", "checks:read"], "costPerHour": 5000, "requestsPerSecond": 20,
               "createdAt": "2026-11-26T09:47:04.187272Z", "revokedAt": "2026-11-26T09:47:05.005611Z",
               "self": "https://parallax.example.com/api/v1/admin/keys/a46e417b-a4d5-400c-a83f-e1a12f669e83"}
            ]""";

    // Problems

    static final String INVALID_CHECK = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "target: target \\"example.com:443\\" includes a port; give the host alone, e.g. \\"example.com\\" and the ports in the \\"ports\\" field; ports: port 0 is out of range: ports are 1-65535",
              "instance": "/api/v1/checks",
              "errors": [
                {"field": "target", "message": "target \\"example.com:443\\" includes a port; give the host alone, e.g. \\"example.com\\" and the ports in the \\"ports\\" field"},
                {"field": "ports", "message": "port 0 is out of range: ports are 1-65535"}
              ]
            }""";

    static final String UNKNOWN_FIELD = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "unknown field 'timout'; known fields: ipFamily, limit, ports, regions, target, timeoutMs",
              "instance": "/api/v1/checks",
              "errors": [{"field": "timout", "message": "unknown field"}]
            }""";

    static final String MALFORMED_JSON = """
            {
              "type": "urn:parallax:problem:malformed-json", "title": "Malformed JSON", "status": 400,
              "detail": "the request body is not valid JSON: Unexpected end-of-input: expected close marker for Object",
              "instance": "/api/v1/checks"
            }""";

    static final String CHECK_OVER_BUDGET = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "ports: this check costs 12000 (4000 ports x 3 regions), more than the 10000 your key may spend in an hour; probe fewer ports or regions",
              "instance": "/api/v1/checks",
              "errors": [{"field": "ports", "message": "this check costs 12000 (4000 ports x 3 regions), more than the 10000 your key may spend in an hour; probe fewer ports or regions"}]
            }""";

    static final String INVALID_LISTING = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "limit: limit must be a whole number from 1 to 100; got '500'",
              "instance": "/api/v1/checks",
              "errors": [{"field": "limit", "message": "limit must be a whole number from 1 to 100; got '500'"}]
            }""";

    static final String INVALID_SCHEDULE = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "every: every runs every 5 s at its densest; the shortest interval allowed is 10 s; expect: expect is the state that counts as up: open (the default), closed or filtered; got 'up'",
              "instance": "/api/v1/schedules",
              "errors": [
                {"field": "every", "message": "every runs every 5 s at its densest; the shortest interval allowed is 10 s"},
                {"field": "expect", "message": "expect is the state that counts as up: open (the default), closed or filtered; got 'up'"}
              ]
            }""";

    static final String INVALID_WINDOW = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "window: window must be 24h, 7d or 30d; got '1y'",
              "instance": "/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/uptime",
              "errors": [{"field": "window", "message": "window must be 24h, 7d or 30d; got '1y'"}]
            }""";

    static final String INVALID_HISTORY_RANGE = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "from: from must lie before to; got from 2026-11-26T08:00:00Z, to 2026-11-26T07:00:00Z",
              "instance": "/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/history",
              "errors": [{"field": "from", "message": "from must lie before to; got from 2026-11-26T08:00:00Z, to 2026-11-26T07:00:00Z"}]
            }""";

    static final String INVALID_EVENTS_LIMIT = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "limit: limit must be a whole number from 1 to 500; got 'all'",
              "instance": "/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6/events",
              "errors": [{"field": "limit", "message": "limit must be a whole number from 1 to 500; got 'all'"}]
            }""";

    static final String INVALID_API_KEY_REQUEST = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "owner: owner must be 1 to 100 letters, digits or . _ @ -, starting with a letter or digit; got 'team a'; scopes: unknown scope 'checks:delete'; known scopes: checks:write, checks:read, schedules:write, admin",
              "instance": "/api/v1/admin/keys",
              "errors": [
                {"field": "owner", "message": "owner must be 1 to 100 letters, digits or . _ @ -, starting with a letter or digit; got 'team a'"},
                {"field": "scopes", "message": "unknown scope 'checks:delete'; known scopes: checks:write, checks:read, schedules:write, admin"}
              ]
            }""";

    static final String UNAUTHENTICATED = """
            {
              "type": "urn:parallax:problem:unauthenticated", "title": "Unauthenticated", "status": 401,
              "detail": "API key pxk_yDJoHrN… was revoked at 2026-11-26T09:47:05.005611Z",
              "instance": "/api/v1/checks/1e067e1d-5c15-4f46-8c2e-abfdb8172fe3"
            }""";

    static final String SCOPE_MISSING = """
            {
              "type": "urn:parallax:problem:scope-missing", "title": "Forbidden", "status": 403,
              "detail": "this API key lacks the scope this request needs: checks:write",
              "instance": "/api/v1/checks"
            }""";

    static final String CHECK_NOT_FOUND = """
            {
              "type": "urn:parallax:problem:check-not-found", "title": "Check not found", "status": 404,
              "detail": "no check with id '22c7d556-ec0e-40f8-a767-43dfdf18dafe'",
              "instance": "/api/v1/checks/22c7d556-ec0e-40f8-a767-43dfdf18dafe"
            }""";

    static final String SCHEDULE_NOT_FOUND = """
            {
              "type": "urn:parallax:problem:schedule-not-found", "title": "Schedule not found", "status": 404,
              "detail": "no schedule with id 'ed3784cd-a911-4883-b474-5eff668bc3f6'",
              "instance": "/api/v1/schedules/ed3784cd-a911-4883-b474-5eff668bc3f6"
            }""";

    static final String API_KEY_NOT_FOUND = """
            {
              "type": "urn:parallax:problem:api-key-not-found", "title": "API key not found", "status": 404,
              "detail": "no API key with id 'a46e417b-a4d5-400c-a83f-e1a12f669e84'",
              "instance": "/api/v1/admin/keys/a46e417b-a4d5-400c-a83f-e1a12f669e84"
            }""";

    static final String SCHEDULE_LIMIT = """
            {
              "type": "urn:parallax:problem:schedule-limit", "title": "Too many schedules", "status": 409,
              "detail": "you have 100 schedules, the most allowed (parallax.schedules.max-per-owner); delete or change one instead",
              "instance": "/api/v1/schedules"
            }""";

    static final String SCHEDULE_OVER_BUDGET = """
            {
              "type": "urn:parallax:problem:invalid-request", "title": "Invalid request", "status": 400,
              "detail": "ports: this schedule costs up to 737280 an hour (1024 ports x 2 regions x 360 runs an hour), more than the 20 your key may spend in an hour; probe fewer ports or regions, or less often",
              "instance": "/api/v1/schedules",
              "errors": [{"field": "ports", "message": "this schedule costs up to 737280 an hour (1024 ports x 2 regions x 360 runs an hour), more than the 20 your key may spend in an hour; probe fewer ports or regions, or less often"}]
            }""";

    static final String SCHEDULE_BUDGET_COMMITTED = """
            {
              "type": "urn:parallax:problem:quota-exceeded", "title": "Too many requests", "status": 429,
              "detail": "this schedule costs up to 60 an hour (1 port x 1 region x 60 runs an hour), and your key's other active schedules already take 60 of the 100 it may spend in an hour; pause or shrink one of them, or probe fewer ports or regions, or less often",
              "instance": "/api/v1/schedules"
            }""";

    static final String REQUEST_TOO_LARGE = """
            {
              "type": "urn:parallax:problem:request-too-large", "title": "Request body too large", "status": 413,
              "detail": "the body has 9216 bytes; at most 8192 are accepted",
              "instance": "/api/v1/checks"
            }""";

    static final String REQUEST_TIMEOUT = """
            {
              "type": "urn:parallax:problem:request-timeout", "title": "Request timeout", "status": 408,
              "detail": "the body did not arrive within 5000 ms of the headers (1 bytes came)",
              "instance": "/api/v1/checks"
            }""";

    static final String UNSUPPORTED_MEDIA_TYPE = """
            {
              "type": "urn:parallax:problem:unsupported-media-type", "title": "Unsupported media type", "status": 415,
              "detail": "send the body as JSON with Content-Type: application/json; got 'text/plain'",
              "instance": "/api/v1/checks"
            }""";

    static final String REQUEST_RATE_EXCEEDED = """
            {
              "type": "urn:parallax:problem:quota-exceeded", "title": "Too many requests", "status": 429,
              "detail": "quota exceeded: more than 20 requests a second; retry in 1 s",
              "instance": "/api/v1/checks/1e067e1d-5c15-4f46-8c2e-abfdb8172fe3"
            }""";

    static final String CHECK_BUDGET_SPENT = """
            {
              "type": "urn:parallax:problem:quota-exceeded", "title": "Too many requests", "status": 429,
              "detail": "quota exceeded: the hourly check budget of 12 (cost = ports x regions) is spent; retry in 600 s",
              "instance": "/api/v1/checks"
            }""";

    static final String DATABASE_UNAVAILABLE = """
            {
              "type": "urn:parallax:problem:unavailable", "title": "Service unavailable", "status": 503,
              "detail": "the database is unreachable; nothing was stored, retry shortly",
              "instance": "/api/v1/checks"
            }""";

    static final String OVERLOADED = """
            {
              "type": "urn:parallax:problem:overloaded", "title": "Service unavailable", "status": 503,
              "detail": "this coordinator already has 256 API requests in flight; nothing was done, retry shortly",
              "instance": "/api/v1/checks"
            }""";

    static final String TOO_MANY_STREAMS = """
            {
              "type": "urn:parallax:problem:too-many-streams", "title": "Service unavailable", "status": 503,
              "detail": "this coordinator already streams 1000 checks; retry shortly, or poll GET /api/v1/checks/{id}",
              "instance": "/api/v1/checks/1e067e1d-5c15-4f46-8c2e-abfdb8172fe3/events"
            }""";

    static final String CALLER_STREAMS = """
            {
              "type": "urn:parallax:problem:too-many-streams", "title": "Too many requests", "status": 429,
              "detail": "you already follow 20 checks at once, the most one key (or anonymous client address) may; close one, or poll GET /api/v1/checks/{id}",
              "instance": "/api/v1/checks/1e067e1d-5c15-4f46-8c2e-abfdb8172fe3/events"
            }""";

    static final String INTERNAL_ERROR = """
            {
              "type": "urn:parallax:problem:internal-error", "title": "Internal error", "status": 500,
              "detail": "an unexpected error occurred; quote reference 6f1c2d0e-9b8a-4f3e-a1d2-7c6b5a493821 when reporting it",
              "instance": "/api/v1/checks"
            }""";
}
