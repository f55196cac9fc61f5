package dev.parallax.coordinator.api;

import dev.parallax.coordinator.api.problem.Problem;
import dev.parallax.coordinator.auth.ApiKey;
import dev.parallax.coordinator.auth.ApiKeyService;
import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.auth.CurrentCaller;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.check.FieldError;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Key management, for callers with the {@code admin} scope: issue, list and revoke API keys. */
@Path(ApiKeyResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.ADMIN_TAG)
@SecurityRequirement(name = ApiDocumentation.API_KEY, scopes = "admin")
@APIResponse(responseCode = "401", ref = ApiDocumentation.UNAUTHENTICATED)
@APIResponse(responseCode = "403", ref = ApiDocumentation.FORBIDDEN)
@APIResponse(responseCode = "429", ref = ApiDocumentation.TOO_MANY_REQUESTS)
@APIResponse(responseCode = "500", ref = ApiDocumentation.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = ApiDocumentation.UNAVAILABLE)
public class ApiKeyResource {

    public static final String PATH = "/api/v1/admin/keys";
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    private static final int MAX_NAME = 100;
    private static final int MAX_COST_PER_HOUR = 100_000_000;
    private static final int MAX_REQUESTS_PER_SECOND = 100_000;

    private final ApiKeyService keys;
    private final CurrentCaller current;
    private final ParallaxConfig.Quotas defaults;
    private final ApiLinks links;

    public ApiKeyResource(ApiKeyService keys, CurrentCaller current, ParallaxConfig config, ApiLinks links) {
        this.keys = keys;
        this.current = current;
        this.defaults = config.quotas();
        this.links = links;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "issueApiKey", summary = "Issue an API key",
            description = "Issues a key for an owner with the given scopes and, optionally, limits of its own. The "
                    + "key is in this answer and nowhere else: only its SHA-256 is stored.\n\nScope: `admin`.")
    @APIResponse(responseCode = "201", description = "Issued; `key` is shown this once.",
            headers = @Header(name = ApiDocumentation.LOCATION, ref = ApiDocumentation.LOCATION),
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiKeyResponse.class),
                    examples = @ExampleObject(name = "issued", value = ApiExamples.API_KEY_ISSUED)))
    @APIResponse(responseCode = "400", description = "Every wrong field, listed in `errors`; also a body that is not "
            + "JSON and an unknown field.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "invalid fields", value = ApiExamples.INVALID_API_KEY_REQUEST)))
    @APIResponse(responseCode = "408", ref = ApiDocumentation.REQUEST_TIMEOUT)
    @APIResponse(responseCode = "413", ref = ApiDocumentation.REQUEST_TOO_LARGE)
    @APIResponse(responseCode = "415", ref = ApiDocumentation.UNSUPPORTED_MEDIA_TYPE)
    public Response issue(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                  schema = @Schema(implementation = CreateApiKeyRequest.class),
                                  examples = @ExampleObject(name = "a CI key", value = ApiExamples.CREATE_API_KEY)))
                          CreateApiKeyRequest request, @Context UriInfo uri) {
        current.require(Scope.ADMIN);
        ApiKeyService.IssuedKey issued = keys.issue(validate(request));
        ApiKeyResponse body = toResponse(issued.stored(), issued.key(), uri);
        return Response.created(URI.create(body.self())).entity(body).build();
    }

    @GET
    @Operation(operationId = "listApiKeys", summary = "List API keys",
            description = "Every key, oldest first, revoked ones included, without the keys themselves: "
                    + "`keyPrefix` tells them apart.\n\nScope: `admin`.")
    @APIResponse(responseCode = "200", description = "The keys.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ApiKeyResponse.class),
                    examples = @ExampleObject(name = "the admin key and a revoked CI key",
                            value = ApiExamples.API_KEYS)))
    public List<ApiKeyResponse> list(@Context UriInfo uri) {
        current.require(Scope.ADMIN);
        return keys.list().stream().map(key -> toResponse(key, null, uri)).toList();
    }

    /** Revokes the key; revoking a revoked key again changes nothing. The key stays listed, with its revocation. */
    @DELETE
    @Path("{id}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key",
            description = "Revokes the key at once, for every coordinator replica: its next request is 401. The key "
                    + "stays listed, with `revokedAt`; revoking it again changes nothing.\n\nScope: `admin`.")
    @APIResponse(responseCode = "200", description = "The key as revoked.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ApiKeyResponse.class),
                    examples = @ExampleObject(name = "revoked", value = ApiExamples.API_KEY_REVOKED)))
    @APIResponse(responseCode = "404", description = "No key with this id.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown key", value = ApiExamples.API_KEY_NOT_FOUND)))
    public ApiKeyResponse revoke(@Parameter(description = "The key's `id` (not the key itself).",
                                         example = "a46e417b-a4d5-400c-a83f-e1a12f669e83",
                                         schema = @Schema(type = SchemaType.STRING, format = "uuid"))
                                 @PathParam("id") String rawId, @Context UriInfo uri) {
        current.require(Scope.ADMIN);
        UUID id;
        try {
            id = UUID.fromString(rawId.strip());
        } catch (IllegalArgumentException e) {
            throw new ApiKeyNotFoundException(rawId);
        }
        return toResponse(keys.revoke(id).orElseThrow(() -> new ApiKeyNotFoundException(rawId)), null, uri);
    }

    private ApiKeyService.KeySpec validate(CreateApiKeyRequest request) {
        if (request == null) {
            throw new InvalidCheckException("body", "send a JSON object such as {\"name\": \"ci\", \"owner\": \"team-a\","
                    + " \"scopes\": [\"checks:write\", \"checks:read\"]}");
        }
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            errors.add(new FieldError("name", "name must be 1 to " + MAX_NAME + " characters, e.g. \"ci pipeline\""));
        } else if (!isText(name)) {
            errors.add(new FieldError("name", "name must be text: no control characters, and whole characters"));
        }
        String owner = request.owner() == null ? "" : request.owner().strip();
        if (!OWNER.matcher(owner).matches()) {
            errors.add(new FieldError("owner", "owner must be 1 to 100 letters, digits or . _ @ -, starting with a"
                    + " letter or digit; got '" + owner + "'"));
        } else if (owner.equals(Caller.ANONYMOUS_OWNER)) {
            errors.add(new FieldError("owner", "'" + Caller.ANONYMOUS_OWNER + "' is the owner of anonymous callers;"
                    + " choose another"));
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (request.scopes() == null || request.scopes().isEmpty()) {
            errors.add(new FieldError("scopes", "scopes must list at least one of " + knownScopes()));
        } else {
            for (String raw : request.scopes()) {
                Scope.fromWireName(raw).ifPresentOrElse(scopes::add, () -> errors.add(new FieldError("scopes",
                        "unknown scope '" + raw + "'; known scopes: " + knownScopes())));
            }
        }
        if (request.costPerHour() != null && (request.costPerHour() < 1 || request.costPerHour() > MAX_COST_PER_HOUR)) {
            errors.add(new FieldError("costPerHour", "costPerHour must be between 1 and " + MAX_COST_PER_HOUR));
        }
        if (request.requestsPerSecond() != null
                && (request.requestsPerSecond() < 1 || request.requestsPerSecond() > MAX_REQUESTS_PER_SECOND)) {
            errors.add(new FieldError("requestsPerSecond", "requestsPerSecond must be between 1 and "
                    + MAX_REQUESTS_PER_SECOND));
        }
        if (!errors.isEmpty()) {
            throw new InvalidCheckException(errors);
        }
        return new ApiKeyService.KeySpec(name, owner, scopes, request.costPerHour(), request.requestsPerSecond());
    }

    /** No control character (PostgreSQL refuses NUL in text) and no half of a surrogate pair. */
    private static boolean isText(String value) {
        return value.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE);
    }

    private static String knownScopes() {
        return Arrays.stream(Scope.values()).map(Scope::wireName).collect(Collectors.joining(", "));
    }

    private ApiKeyResponse toResponse(ApiKey key, String secret, UriInfo uri) {
        return new ApiKeyResponse(key.id(), secret, key.keyPrefix(), key.name(), key.owner(), key.scopes(),
                key.costPerHour() != null ? key.costPerHour() : defaults.costPerHour(),
                key.requestsPerSecond() != null ? key.requestsPerSecond() : defaults.requestsPerSecond(),
                key.createdAt(), key.revokedAt(), links.base(uri).path(PATH).path(key.id().toString()).build()
                .toString());
    }
}
