/**
 * The coordinator's REST API. The parts of its OpenAPI description that no single resource owns are declared here:
 * the info, the tags, the API-key security scheme, and the headers and error answers every endpoint shares.
 */
@OpenAPIDefinition(
    info = @Info(title = "Parallax API", version = "1", description = ApiDocumentation.DESCRIPTION),
    tags = {
        @Tag(name = ApiDocumentation.CHECKS_TAG, description = "Submit a TCP port check from several regions, read "
                + "each region's verdicts and how the regions compare, follow it live, list recent ones."),
        @Tag(name = ApiDocumentation.SCHEDULES_TAG, description = "Recurring checks: their runs, availability per "
                + "region and port, and the events their alerts fire."),
        @Tag(name = ApiDocumentation.REGIONS_TAG, description = "The regions and agents the coordinator knows from "
                + "the agents' heartbeats."),
        @Tag(name = ApiDocumentation.METRICS_TAG, description = "The latest verdicts of your schedules in the "
                + "Prometheus text format."),
        @Tag(name = ApiDocumentation.ADMIN_TAG, description = "Issue, list and revoke API keys (scope `admin`).")
    },
    security = @SecurityRequirement(name = ApiDocumentation.API_KEY),
    components = @Components(
        securitySchemes = @SecurityScheme(securitySchemeName = ApiDocumentation.API_KEY,
                type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "pxk_…",
                description = ApiDocumentation.API_KEY_DESCRIPTION),
        headers = {
            @Header(name = ApiDocumentation.RETRY_AFTER, description = "Seconds to wait before retrying.",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", examples = "5")),
            @Header(name = ApiDocumentation.RATE_LIMIT_LIMIT, description = "What the bucket this request was "
                    + "counted against holds when full: the hourly check budget on `POST /api/v1/checks`, else two "
                    + "seconds' worth of requests.", schema = @Schema(type = SchemaType.INTEGER, examples = "10000")),
            @Header(name = ApiDocumentation.RATE_LIMIT_REMAINING, description = "What is left in that bucket.",
                    schema = @Schema(type = SchemaType.INTEGER, examples = "9988")),
            @Header(name = ApiDocumentation.RATE_LIMIT_RESET, description = "Seconds until that bucket is full "
                    + "again.", schema = @Schema(type = SchemaType.INTEGER, examples = "5")),
            @Header(name = ApiDocumentation.REQUEST_COST, description = "What this request cost, or would have "
                    + "cost: ports x regions for a check, 1 for any other request.",
                    schema = @Schema(type = SchemaType.INTEGER, examples = "12")),
            @Header(name = ApiDocumentation.LOCATION, description = "The URL of what was created.",
                    schema = @Schema(type = SchemaType.STRING, format = "uri"))
        },
        responses = {
            @APIResponse(name = ApiDocumentation.UNAUTHENTICATED, responseCode = "401",
                    description = "No API key where one is needed, a malformed `Authorization` header, or an "
                            + "unknown or revoked key.",
                    headers = @Header(name = "WWW-Authenticate", description = "Always `Bearer realm=\"parallax\"`.",
                            schema = @Schema(type = SchemaType.STRING)),
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "revoked key", value = ApiExamples.UNAUTHENTICATED))),
            @APIResponse(name = ApiDocumentation.FORBIDDEN, responseCode = "403",
                    description = "The key lacks the scope this operation needs (or the caller is anonymous and the "
                            + "operation needs a key).",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "scope missing", value = ApiExamples.SCOPE_MISSING))),
            @APIResponse(name = ApiDocumentation.REQUEST_TOO_LARGE, responseCode = "413",
                    description = "A body over `parallax.api.max-body-bytes` (8 KB by default): at once when "
                            + "`Content-Length` says so, as soon as the limit is passed when it is chunked. The "
                            + "connection is closed.",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "body too large", value = ApiExamples.REQUEST_TOO_LARGE))),
            @APIResponse(name = ApiDocumentation.REQUEST_TIMEOUT, responseCode = "408",
                    description = "The body did not arrive whole within `parallax.api.body-timeout` (5 s) of the "
                            + "headers. The connection is closed.",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "body too slow", value = ApiExamples.REQUEST_TIMEOUT))),
            @APIResponse(name = ApiDocumentation.UNSUPPORTED_MEDIA_TYPE, responseCode = "415",
                    description = "A body that is not sent as JSON: `Content-Type` must be `application/json` (UTF-8), "
                            + "or `application/merge-patch+json` for a PATCH.",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "not JSON", value = ApiExamples.UNSUPPORTED_MEDIA_TYPE))),
            @APIResponse(name = ApiDocumentation.SCHEDULE_OVER_BUDGET, responseCode = "429",
                    description = "Over the caller's request rate, or the schedule (created, changed or resumed) "
                            + "does not fit beside the key's other active schedules in its hourly budget, and nothing "
                            + "is stored: `X-RateLimit-Limit` is the budget, `X-RateLimit-Remaining` what the others "
                            + "leave, `X-Request-Cost` this schedule's cost an hour.",
                    headers = {
                        @Header(name = ApiDocumentation.RATE_LIMIT_LIMIT, ref = ApiDocumentation.RATE_LIMIT_LIMIT),
                        @Header(name = ApiDocumentation.RATE_LIMIT_REMAINING,
                                ref = ApiDocumentation.RATE_LIMIT_REMAINING),
                        @Header(name = ApiDocumentation.REQUEST_COST, ref = ApiDocumentation.REQUEST_COST)
                    },
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = {
                                @ExampleObject(name = "budget committed", value = ApiExamples.SCHEDULE_BUDGET_COMMITTED),
                                @ExampleObject(name = "request rate", value = ApiExamples.REQUEST_RATE_EXCEEDED)
                            })),
            @APIResponse(name = ApiDocumentation.TOO_MANY_REQUESTS, responseCode = "429",
                    description = "Over the caller's request rate (`requestsPerSecond` of the key, with a burst of "
                            + "two seconds' worth; anonymous callers per client address).",
                    headers = {
                        @Header(name = ApiDocumentation.RETRY_AFTER, ref = ApiDocumentation.RETRY_AFTER),
                        @Header(name = ApiDocumentation.RATE_LIMIT_LIMIT, ref = ApiDocumentation.RATE_LIMIT_LIMIT),
                        @Header(name = ApiDocumentation.RATE_LIMIT_REMAINING,
                                ref = ApiDocumentation.RATE_LIMIT_REMAINING),
                        @Header(name = ApiDocumentation.RATE_LIMIT_RESET, ref = ApiDocumentation.RATE_LIMIT_RESET),
                        @Header(name = ApiDocumentation.REQUEST_COST, ref = ApiDocumentation.REQUEST_COST)
                    },
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "request rate",
                                    value = ApiExamples.REQUEST_RATE_EXCEEDED))),
            @APIResponse(name = ApiDocumentation.INTERNAL_ERROR, responseCode = "500",
                    description = "A failure of Parallax itself; `detail` carries a reference to its log line, never "
                            + "a stack trace.",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = @ExampleObject(name = "internal error", value = ApiExamples.INTERNAL_ERROR))),
            @APIResponse(name = ApiDocumentation.UNAVAILABLE, responseCode = "503",
                    description = "PostgreSQL is unreachable, or this coordinator already has "
                            + "`parallax.api.max-in-flight` API requests in flight (type `overloaded`): nothing was "
                            + "done; retry after `Retry-After` seconds.",
                    headers = @Header(name = ApiDocumentation.RETRY_AFTER, ref = ApiDocumentation.RETRY_AFTER),
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                            examples = {
                                @ExampleObject(name = "database unreachable", value = ApiExamples.DATABASE_UNAVAILABLE),
                                @ExampleObject(name = "overloaded", value = ApiExamples.OVERLOADED)
                            }))
        }))
package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
