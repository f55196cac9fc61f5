package dev.parallax.coordinator.schedule;

/** No schedule with this id is visible to the caller (it does not exist, or belongs to someone else). */
public class ScheduleNotFoundException extends RuntimeException {

    public ScheduleNotFoundException(String id) {
        super("no schedule with id '" + id + "'");
    }
}
