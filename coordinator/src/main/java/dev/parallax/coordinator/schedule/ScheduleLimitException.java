package dev.parallax.coordinator.schedule;

/** The owner has as many schedules as allowed; one must go before another can be created. */
public class ScheduleLimitException extends RuntimeException {

    public ScheduleLimitException(int limit) {
        super("you have " + limit + " schedules, the most allowed (parallax.schedules.max-per-owner); delete or"
                + " change one instead");
    }
}
