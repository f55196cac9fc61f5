package dev.parallax.coordinator.schedule;

/**
 * A schedule that would take more, per hour, than is left of the key's hourly budget once its other active schedules
 * are counted: the answer is 429 with the figures. Waiting does not help; pausing or shrinking a schedule does.
 */
public class ScheduleBudgetException extends RuntimeException {

    private final long cost;
    private final long committed;
    private final long budget;

    public ScheduleBudgetException(ScheduleValidator.HourlyCost cost, long committed, long budget) {
        super("this schedule costs up to " + cost.total() + " an hour (" + cost.describe() + "), and your key's "
                + "other active schedules already take " + committed + " of the " + budget + " it may spend in an "
                + "hour; pause or shrink one of them, or probe fewer ports or regions, or less often");
        this.cost = cost.total();
        this.committed = committed;
        this.budget = budget;
    }

    public long cost() {
        return cost;
    }

    public long budget() {
        return budget;
    }

    /** What is left of the hourly budget for new schedules. */
    public long remaining() {
        return Math.max(0, budget - committed);
    }
}
