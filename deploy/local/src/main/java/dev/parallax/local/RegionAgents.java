package dev.parallax.local;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The agents of one region ({@code <region>-1} … {@code <region>-<n>}), which share its jobs: started, stopped and
 * looked at together, or one by one through {@link #agent(String)}.
 */
public final class RegionAgents implements AutoCloseable {

    private final String region;
    private final List<AppProcess> agents;

    RegionAgents(String region, List<AppProcess> agents) {
        this.region = region;
        this.agents = List.copyOf(agents);
    }

    /** {@code agent-<region>-<n>}: the component name of an agent. */
    static String component(String agentId) {
        return "agent-" + agentId;
    }

    public String region() {
        return region;
    }

    /** The agents' ids, {@code <region>-1} first. */
    public List<String> ids() {
        return agents.stream().map(agent -> agent.name().substring("agent-".length())).toList();
    }

    public List<AppProcess> list() {
        return agents;
    }

    /** The agent of this id. */
    public AppProcess agent(String agentId) {
        return agents.stream().filter(agent -> agent.name().equals(component(agentId))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no agent " + agentId + " in " + region + "; it runs "
                        + ids()));
    }

    /** Whether any of them runs. */
    public boolean isRunning() {
        return agents.stream().anyMatch(AppProcess::isRunning);
    }

    /** Starts those that do not run (same ids and ports), in parallel, and waits until they are ready. */
    public void start() {
        AppProcess.startAll(agents.stream().filter(agent -> !agent.isRunning()).toList());
    }

    /** Stops them (SIGTERM, as a scale-down would), in parallel; a no-op for those not running. */
    public void stop() {
        inParallel(agents, AppProcess::stop);
    }

    /** Closes them, in parallel: each takes a second or two to leave its consumer group. */
    @Override
    public void close() {
        inParallel(agents, AppProcess::close);
    }

    private static void inParallel(List<AppProcess> agents, Consumer<AppProcess> action) {
        agents.stream().map(agent -> CompletableFuture.runAsync(() -> action.accept(agent))).toList()
                .forEach(CompletableFuture::join);
    }

    @Override
    public String toString() {
        return "RegionAgents[" + region + ", " + ids() + "]";
    }
}
