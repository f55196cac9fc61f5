package dev.parallax.agent.probe;

/** The prober closed (the agent is stopping) before a batch finished; its job must be redelivered, not answered. */
public class ProberClosedException extends IllegalStateException {

    public ProberClosedException() {
        super("the connect prober is closed");
    }
}
