package dev.parallax.coordinator.api;

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
public class ApiKeyResource {

    public static final String PATH = "/api/v1/admin/keys";
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
    private static final int MAX_NAME = 100;
    private static final int MAX_COST_PER_HOUR = 100_000_000;
    private static final int MAX_REQUESTS_PER_SECOND = 100_000;

    private final ApiKeyService keys;
    private final CurrentCaller current;
    private final ParallaxConfig.Quotas defaults;

    public ApiKeyResource(ApiKeyService keys, CurrentCaller current, ParallaxConfig config) {
        this.keys = keys;
        this.current = current;
        this.defaults = config.quotas();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response issue(CreateApiKeyRequest request, @Context UriInfo uri) {
        current.require(Scope.ADMIN);
        ApiKeyService.IssuedKey issued = keys.issue(validate(request));
        ApiKeyResponse body = toResponse(issued.stored(), issued.key(), uri);
        return Response.created(URI.create(body.self())).entity(body).build();
    }

    @GET
    public List<ApiKeyResponse> list(@Context UriInfo uri) {
        current.require(Scope.ADMIN);
        return keys.list().stream().map(key -> toResponse(key, null, uri)).toList();
    }

    /** Revokes the key; revoking a revoked key again changes nothing. The key stays listed, with its revocation. */
    @DELETE
    @Path("{id}")
    public ApiKeyResponse revoke(@PathParam("id") String rawId, @Context UriInfo uri) {
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

    private static String knownScopes() {
        return Arrays.stream(Scope.values()).map(Scope::wireName).collect(Collectors.joining(", "));
    }

    private ApiKeyResponse toResponse(ApiKey key, String secret, UriInfo uri) {
        return new ApiKeyResponse(key.id, secret, key.keyPrefix, key.name, key.owner, key.scopes,
                key.costPerHour != null ? key.costPerHour : defaults.costPerHour(),
                key.requestsPerSecond != null ? key.requestsPerSecond : defaults.requestsPerSecond(),
                key.createdAt, key.revokedAt, uri.getBaseUriBuilder().path(PATH).path(key.id.toString()).build()
                .toString());
    }
}
