package dev.parallax.coordinator.api.problem;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Answers the requests the HTTP layer itself refuses before any route runs (an HTTP/1.1 request without a
 * {@code Host}, or with one that cannot be read) with a problem, and logs them at DEBUG: they are the client's fault,
 * and Quarkus's own handler would log each one as an ERROR, which anyone could repeat to flood the logs. Failures
 * that are not a client's (5xx) go on to Quarkus's handler.
 */
@ApplicationScoped
public class RequestFailures {

    private static final Logger LOG = Logger.getLogger(RequestFailures.class);

    private final RoutingProblems problems;

    public RequestFailures(RoutingProblems problems) {
        this.problems = problems;
    }

    /** On the API's port, ahead of Quarkus's own failure handler (which is the last route). */
    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    /** A failure handler for a router; MUST be registered ahead of Quarkus's own. */
    public void handle(RoutingContext routing) {
        int status = routing.statusCode();
        if (status < 400 || status > 499 || routing.response().ended()) {
            routing.next();
            return;
        }
        Throwable failure = routing.failure();
        String reason = failure == null || failure.getMessage() == null ? "the request could not be read"
                : RoutingProblems.printable(failure.getMessage());
        LOG.debugf("%s %s refused with %d: %s", routing.request().method(), routing.request().path(), status, reason);
        problems.sendAndClose(routing, status, "malformed-request", "Malformed request", reason, Map.of());
    }
}
