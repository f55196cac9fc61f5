package dev.parallax.coordinator.api;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.TreeMap;

/**
 * Lists each operation's answers by status code. The answers every endpoint shares are declared on the resource
 * classes and would otherwise come first, so that Swagger UI showed a 401 above the operation's success.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ResponsesInStatusOrder implements OASFilter {

    @Override
    public Operation filterOperation(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses != null && responses.getAPIResponses() != null) {
            responses.setAPIResponses(new TreeMap<>(responses.getAPIResponses()));
        }
        return operation;
    }
}
