package dev.parallax.coordinator.auth;

import jakarta.enterprise.context.RequestScoped;

/**
 * The caller of the request being served, set by the API gate ({@code api.ApiGateFilter}) before any resource
 * method runs.
 */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    public void set(Caller caller) {
        this.caller = caller;
    }

    /** @throws IllegalStateException outside a request the filter authenticated (a bug, never the caller's fault) */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller: the request did not pass the API gate");
        }
        return caller;
    }

    /** The caller, after checking that it has one of {@code anyOf}. */
    public Caller require(Scope... anyOf) {
        Caller current = get();
        current.require(anyOf);
        return current;
    }
}
