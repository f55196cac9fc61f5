package dev.parallax.coordinator.schedule;

import dev.parallax.common.contract.PortState;
import dev.parallax.coordinator.check.CheckValidator.CheckTemplate;

/**
 * A schedule after validation: the check each run submits (its regions chosen at each run), when it runs, the
 * port state that counts as up, and how it alerts.
 */
public record ScheduleSpec(CheckTemplate check, Cadence cadence, PortState expected, AlertSpec alert) {
}
