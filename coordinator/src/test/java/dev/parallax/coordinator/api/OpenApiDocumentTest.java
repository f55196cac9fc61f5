package dev.parallax.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parallax.common.contract.Reason;
import dev.parallax.coordinator.auth.Scope;
import dev.parallax.coordinator.testinfra.RealInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.HttpMethod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The OpenAPI description at {@code /q/openapi} documents every endpoint of the API (found by reflection, so a new
 * endpoint without documentation fails here), says how each one answers, and is valid OpenAPI.
 */
@QuarkusTest
@QuarkusTestResource(RealInfrastructure.class)
class OpenApiDocumentTest {

    private static final String PROBLEM_SCHEMA = "#/components/schemas/Problem";
    private static final String SECURITY_SCHEME = "apiKey";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head",
            "patch", "trace");
    /** A key the API gate would refuse with 401, to show that a path is outside the gate. */
    private static final String REFUSED_KEY = "Bearer pxk_no-key-anyone-issued";

    private static String json;
    private static JsonNode document;

    /** One JAX-RS resource method: its HTTP method, its full path, and where it is declared. */
    record Endpoint(String method, String path, String declaredBy) {
    }

    /** One operation of the description. */
    record Operation(String method, String path, JsonNode node) {

        String name() {
            return method.toUpperCase() + " " + path;
        }
    }

    /** Fetched by the first test: RestAssured knows the test port only once Quarkus has started, after @BeforeAll. */
    @BeforeEach
    void fetchDocument() throws IOException {
        if (document != null) {
            return;
        }
        json = given().header("Authorization", REFUSED_KEY)
                .when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .extract().asString();
        document = new ObjectMapper().readTree(json);
    }

    @Test
    void everyEndpointIsDocumented() throws Exception {
        List<Endpoint> endpoints = jaxRsEndpoints();
        assertThat(endpoints).as("JAX-RS resource methods found in %s", CheckResource.class.getPackageName())
                .extracting(Endpoint::path).contains(CheckResource.PATH, ScheduleResource.PATH, ApiKeyResource.PATH);
        List<String> missing = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (document.path("paths").path(endpoint.path()).path(endpoint.method()).isMissingNode()) {
                missing.add(endpoint.method().toUpperCase() + " " + endpoint.path() + " (" + endpoint.declaredBy()
                        + ")");
            }
        }
        assertThat(missing).as("endpoints missing from /q/openapi").isEmpty();
        Set<String> documented = operations().stream().map(Operation::name).collect(Collectors.toSet());
        Set<String> declared = endpoints.stream().map(e -> e.method().toUpperCase() + " " + e.path())
                .collect(Collectors.toSet());
        assertThat(documented).as("operations in /q/openapi that no resource method serves").isSubsetOf(declared);
    }

    @Test
    void everyOperationHasASummaryADescriptionAnIdAndADeclaredTag() {
        Set<String> declaredTags = new TreeSet<>();
        document.path("tags").forEach(tag -> declaredTags.add(tag.path("name").asText()));
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new TreeSet<>();
        for (Operation operation : operations()) {
            JsonNode node = operation.node();
            if (node.path("summary").asText().isBlank()) {
                problems.add(operation.name() + " has no summary (@Operation)");
            }
            if (node.path("description").asText().isBlank()) {
                problems.add(operation.name() + " has no description (@Operation)");
            }
            String id = node.path("operationId").asText();
            if (id.isBlank()) {
                problems.add(operation.name() + " has no operationId (@Operation)");
            } else if (!operationIds.add(id)) {
                problems.add(operation.name() + " repeats the operationId " + id);
            }
            if (node.path("tags").isEmpty()) {
                problems.add(operation.name() + " has no tag (@Tag on its resource)");
            }
            node.path("tags").forEach(tag -> {
                if (!declaredTags.contains(tag.asText())) {
                    problems.add(operation.name() + " has the tag '" + tag.asText() + "', which the description"
                            + " does not declare (package-info.java)");
                }
            });
            for (JsonNode parameter : node.path("parameters")) {
                if (parameter.path("description").asText().isBlank()) {
                    problems.add(operation.name() + " has the parameter '" + parameter.path("name").asText()
                            + "' without a description (@Parameter)");
                }
            }
        }
        assertThat(problems).as("operations not fully described").isEmpty();
    }

    @Test
    void everyOperationAnswersWithContentOnSuccess() {
        List<String> problems = new ArrayList<>();
        for (Operation operation : operations()) {
            List<String> successes = new ArrayList<>();
            operation.node().path("responses").fieldNames().forEachRemaining(code -> {
                if (code.startsWith("2")) {
                    successes.add(code);
                }
            });
            if (successes.isEmpty()) {
                problems.add(operation.name() + " documents no 2xx answer (@APIResponse)");
            }
            for (String code : successes) {
                JsonNode response = response(operation, code);
                if (!code.equals("204") && response.path("content").isEmpty()) {
                    problems.add(operation.name() + " answers " + code + " without content");
                }
                if (response.path("description").asText().isBlank()) {
                    problems.add(operation.name() + " answers " + code + " without a description");
                }
            }
        }
        assertThat(problems).as("operations without a documented success").isEmpty();
    }

    @Test
    void everyErrorIsAProblemDetail() {
        List<String> problems = new ArrayList<>();
        for (Operation operation : operations()) {
            Iterator<String> codes = operation.node().path("responses").fieldNames();
            while (codes.hasNext()) {
                String code = codes.next();
                if (!code.startsWith("4") && !code.startsWith("5")) {
                    continue;
                }
                JsonNode response = response(operation, code);
                JsonNode content = response.path("content");
                JsonNode problem = content.path("application/problem+json");
                if (problem.isMissingNode() || content.size() != 1) {
                    problems.add(operation.name() + " answers " + code + " with " + fieldNames(content)
                            + " instead of application/problem+json alone");
                    continue;
                }
                if (!PROBLEM_SCHEMA.equals(problem.path("schema").path("$ref").asText())) {
                    problems.add(operation.name() + " answers " + code + " with a schema other than " + PROBLEM_SCHEMA);
                }
                problem.path("examples").properties().forEach(example -> {
                    if (example.getValue().path("value").path("status").asInt() != Integer.parseInt(code)) {
                        problems.add(operation.name() + " answers " + code + " with the example '"
                                + example.getKey() + "' of another status");
                    }
                });
            }
        }
        assertThat(problems).as("error answers that are not RFC 9457 problems").isEmpty();
    }

    @Test
    void requestBodiesAndAnswersCarryExamplesThatFitTheirSchemas() {
        List<String> problems = new ArrayList<>();
        for (Operation operation : operations()) {
            JsonNode body = resolve(operation.node().path("requestBody"));
            if (!body.isMissingNode()) {
                checkExamples(operation.name() + " request body", body.path("content"), problems);
            }
            operation.node().path("responses").fieldNames().forEachRemaining(code ->
                    checkExamples(operation.name() + " " + code, response(operation, code).path("content"),
                            problems));
        }
        assertThat(problems).as("request bodies and answers without fitting examples").isEmpty();
    }

    @Test
    void everyApiOperationRequiresAnApiKeyAndNamesItsScope() {
        JsonNode scheme = document.path("components").path("securitySchemes").path(SECURITY_SCHEME);
        assertThat(scheme.path("type").asText()).as("type of the security scheme '%s'", SECURITY_SCHEME)
                .isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).as("HTTP scheme of '%s'", SECURITY_SCHEME).isEqualTo("bearer");
        Set<String> scopes = Arrays.stream(Scope.values()).map(Scope::wireName).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (Operation operation : operations()) {
            if (!operation.path().startsWith("/api/")) {
                continue;
            }
            JsonNode security = operation.node().has("security") ? operation.node().path("security")
                    : document.path("security");
            if (security.isEmpty()) {
                problems.add(operation.name() + " requires no security");
            }
            for (JsonNode requirement : security) {
                if (!requirement.has(SECURITY_SCHEME) || requirement.size() != 1) {
                    problems.add(operation.name() + " has the security requirement " + requirement
                            + " instead of '" + SECURITY_SCHEME + "'");
                }
                requirement.path(SECURITY_SCHEME).forEach(scope -> {
                    if (!scopes.contains(scope.asText())) {
                        problems.add(operation.name() + " requires the unknown scope '" + scope.asText() + "'");
                    }
                });
            }
            if (!operation.node().path("description").asText().contains("Scope: ")) {
                problems.add(operation.name() + " does not say its scope ('Scope: …') in its description");
            }
        }
        assertThat(problems).as("/api operations without the API key").isEmpty();
    }

    @Test
    void everySchemaDescribesItselfAndEachProperty() {
        List<String> problems = new ArrayList<>();
        Set<String> reasons = Arrays.stream(Reason.values()).map(Reason::wireName).collect(Collectors.toSet());
        document.path("components").path("schemas").properties().forEach(entry -> {
            String name = entry.getKey();
            JsonNode schema = entry.getValue();
            if (!schema.has("properties")) {
                return;
            }
            if (schema.path("description").asText().isBlank()) {
                problems.add("schema " + name + " has no description (@Schema)");
            }
            schema.path("properties").properties().forEach(property -> {
                if (property.getValue().path("description").asText().isBlank()) {
                    problems.add("property " + name + "." + property.getKey() + " has no description (@Schema)");
                }
                if (property.getKey().equals("reason")) {
                    Set<String> listed = new TreeSet<>();
                    property.getValue().path("enum").forEach(value -> listed.add(value.asText()));
                    if (!listed.equals(reasons)) {
                        problems.add("property " + name + ".reason lists " + listed + ", the probe reasons are "
                                + new TreeSet<>(reasons));
                    }
                }
            });
        });
        assertThat(problems).as("schemas that do not explain themselves").isEmpty();
    }

    @Test
    void documentIsValidOpenApi() {
        assertThat(document.path("openapi").asText()).as("OpenAPI version").startsWith("3.1.");
        assertThat(document.path("info").path("title").asText()).as("info.title").isEqualTo("Parallax API");
        assertThat(validationMessages(json)).as("swagger-parser's messages on /q/openapi").isEmpty();

        ObjectNode broken = document.deepCopy();
        broken.remove("info");
        ((ObjectNode) broken.path("components").path("schemas").path("CheckResponse").path("properties")
                .path("comparison")).put("$ref", "#/components/schemas/NoSuchSchema");
        assertThat(validationMessages(broken.toString()))
                .as("messages on a copy without info and with a dangling reference: the validator must see them")
                .anyMatch(message -> message.contains("info"))
                .anyMatch(message -> message.contains("NoSuchSchema"));
    }

    @Test
    void swaggerUiAndTheDescriptionAreServedOutsideTheApiGate() {
        given().header("Authorization", REFUSED_KEY)
                .when().get("/q/swagger-ui")
                .then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("swagger-ui"));
        given().header("Authorization", REFUSED_KEY)
                .when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("title: Parallax API"));
        given().header("Authorization", REFUSED_KEY)
                .when().get("/api/v1/regions")
                .then().statusCode(401)
                .body("type", equalTo("urn:parallax:problem:unauthenticated"));
    }

    private static List<String> validationMessages(String openApi) {
        ParseOptions options = new ParseOptions();
        // Resolving is what checks that every internal $ref points at something.
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(openApi, null, options);
        return result.getMessages() == null ? List.of() : result.getMessages();
    }

    /** Every media type of {@code content} has an example, and each JSON example fits the media type's schema. */
    private static void checkExamples(String where, JsonNode content, List<String> problems) {
        content.properties().forEach(media -> {
            JsonNode examples = media.getValue().path("examples");
            if (examples.isEmpty() && !media.getValue().has("example")) {
                problems.add(where + " " + media.getKey() + " has no example (@ExampleObject)");
                return;
            }
            if (!media.getKey().contains("json")) {
                return;
            }
            examples.properties().forEach(example -> fits(where + " example '" + example.getKey() + "'",
                    example.getValue().path("value"), media.getValue().path("schema"), problems));
        });
    }

    /**
     * Whether {@code value} fits {@code schema} as far as the examples can drift from the records: no field the
     * schema does not have, every required one present, recursively.
     */
    private static void fits(String where, JsonNode value, JsonNode schema, List<String> problems) {
        JsonNode resolved = resolve(schema);
        if (value.isObject() && resolved.has("properties")) {
            value.properties().forEach(field -> {
                JsonNode property = resolved.path("properties").path(field.getKey());
                if (property.isMissingNode()) {
                    problems.add(where + " has the field '" + field.getKey() + "', which the schema does not have");
                } else {
                    fits(where + "." + field.getKey(), field.getValue(), property, problems);
                }
            });
            resolved.path("required").forEach(required -> {
                if (!value.has(required.asText())) {
                    problems.add(where + " lacks the required field '" + required.asText() + "'");
                }
            });
        } else if (value.isObject() && resolved.path("additionalProperties").isObject()) {
            value.properties().forEach(field -> fits(where + "." + field.getKey(), field.getValue(),
                    resolved.path("additionalProperties"), problems));
        } else if (value.isArray() && resolved.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                fits(where + "[" + i + "]", value.get(i), resolved.path("items"), problems);
            }
        }
    }

    /** The node a {@code $ref} points to within the document, or {@code node} itself. */
    private static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText();
        return ref.startsWith("#/") ? resolve(document.at(ref.substring(1))) : node;
    }

    private static JsonNode response(Operation operation, String code) {
        return resolve(operation.node().path("responses").path(code));
    }

    private static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(method -> {
            if (HTTP_METHODS.contains(method.getKey())) {
                operations.add(new Operation(method.getKey(), path.getKey(), method.getValue()));
            }
        }));
        return operations;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.isEmpty() ? "no content" : String.join(", ", names);
    }

    /** Every resource method of the API package, from the compiled classes: what the description must cover. */
    private static List<Endpoint> jaxRsEndpoints() throws IOException, URISyntaxException, ClassNotFoundException {
        // The system class loader reads the class files as the build left them; Quarkus's serves them from memory.
        URL anchor = ClassLoader.getSystemClassLoader().getResource(
                CheckResource.class.getName().replace('.', '/') + ".class");
        assertThat(anchor).as("CheckResource.class on the test class path").isNotNull();
        assertThat(anchor.getProtocol()).as("protocol of %s: the API package is listed as a directory", anchor)
                .isEqualTo("file");
        Path root = Path.of(anchor.toURI()).getParent();
        String packagePrefix = CheckResource.class.getPackageName() + ".";
        List<Endpoint> endpoints = new ArrayList<>();
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(root)) {
            classFiles = files.filter(file -> file.toString().endsWith(".class")).sorted().toList();
        }
        for (Path file : classFiles) {
            String relative = root.relativize(file).toString();
            String className = packagePrefix + relative.substring(0, relative.length() - ".class".length())
                    .replace(java.io.File.separatorChar, '.');
            Class<?> type = Class.forName(className, false, CheckResource.class.getClassLoader());
            jakarta.ws.rs.Path classPath = type.getAnnotation(jakarta.ws.rs.Path.class);
            if (classPath == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                String httpMethod = httpMethod(method);
                if (httpMethod == null) {
                    continue;
                }
                jakarta.ws.rs.Path methodPath = method.getAnnotation(jakarta.ws.rs.Path.class);
                String path = joinPaths(classPath.value(), methodPath == null ? "" : methodPath.value());
                endpoints.add(new Endpoint(httpMethod.toLowerCase(), path, type.getSimpleName() + "."
                        + method.getName()));
            }
        }
        return endpoints;
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod designator = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (designator != null) {
                return designator.value();
            }
        }
        return null;
    }

    /** Class and method {@code @Path} as one template, with any regular expression left out: {@code {id}}. */
    private static String joinPaths(String classPath, String methodPath) {
        String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/")
                .replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
