package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates, reads, changes and deletes schedules; each owner sees only their own. A schedule is charged to the key that
 * created or last changed it: what it may cost in an hour must fit that key's hourly check budget together with the
 * key's other active schedules, and each run takes its cost from the same bucket as the key's checks
 * ({@link ScheduleFirer}).
 */
@ApplicationScoped
@Transactional
public class ScheduleService {

    private static final Logger LOG = Logger.getLogger(ScheduleService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Advisory lock classes (the first key of PostgreSQL's two-key advisory locks), one per thing serialised. */
    private static final int LOCK_OWNER_SCHEDULES = 1;
    private static final int LOCK_KEY_BUDGET = 2;

    private final ScheduleValidator validator;
    private final ScheduleRows rows;
    private final int maxPerOwner;

    public ScheduleService(ScheduleValidator validator, ScheduleRows rows, ParallaxConfig config) {
        this.validator = validator;
        this.rows = rows;
        this.maxPerOwner = config.schedules().maxPerOwner();
    }

    /** What a PATCH may change; null leaves a field as it is. */
    public record Changes(ScheduleValidator.Fields fields, Boolean paused) {
    }

    /**
     * Stores a new schedule. Its first run is spread over its first interval (cron: the expression's next time).
     *
     * @throws ScheduleLimitException when the owner has as many as allowed
     * @throws InvalidCheckException when the schedule alone costs more an hour than the caller's whole budget
     * @throws ScheduleBudgetException when it does not fit beside the caller's other active schedules
     */
    public Schedule create(Caller caller, ScheduleSpec spec) {
        String owner = caller.owner();
        // Serialises creations per owner, so two concurrent requests cannot both take the last free place.
        rows.advisoryLock(LOCK_OWNER_SCHEDULES, owner);
        if (rows.count(owner) >= maxPerOwner) {
            throw new ScheduleLimitException(maxPerOwner);
        }
        ScheduleValidator.HourlyCost cost = validator.hourlyCost(spec);
        requireBudget(caller, null, cost);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID id = UUID.randomUUID();
        Schedule schedule = stored(id, owner, spec, false, caller, cost,
                spec.cadence().first(now, id).truncatedTo(ChronoUnit.MICROS), newSecret(), null, null, now, now);
        rows.insert(schedule);
        LOG.infof("Schedule %s created: %s ports %s %s, first run %s", schedule.id(), schedule.target(),
                schedule.ports(), describeCadence(schedule), schedule.nextFireAt());
        return schedule;
    }

    public Optional<Schedule> find(String owner, UUID id) {
        return rows.find(id, owner);
    }

    /**
     * The owner's schedule with this id as a caller wrote it.
     *
     * @throws ScheduleNotFoundException when it is not an id, or no schedule of the owner has it
     */
    public Schedule require(String owner, String rawId) {
        return find(owner, parseId(rawId)).orElseThrow(() -> new ScheduleNotFoundException(rawId));
    }

    /** @throws ScheduleNotFoundException when {@code rawId} cannot be a schedule's id */
    public static UUID parseId(String rawId) {
        try {
            return UUID.fromString(rawId.strip());
        } catch (IllegalArgumentException e) {
            throw new ScheduleNotFoundException(rawId);
        }
    }

    /** The owner's schedules, newest first (at most {@code parallax.schedules.max-per-owner} exist). */
    public List<Schedule> list(String owner) {
        return rows.ofOwner(owner);
    }

    /**
     * Applies a PATCH: the changed fields are validated together with the ones kept. A new cadence starts a new
     * grid; resuming a paused schedule continues its grid from now on, without the runs it missed. From now on the
     * schedule is charged to the caller's key, and an active one must fit its budget (see {@link #create}).
     */
    public Schedule update(Caller caller, UUID id, Changes changes) {
        String owner = caller.owner();
        Schedule current = rows.lock(id, owner).orElseThrow(() -> new ScheduleNotFoundException(id.toString()));
        ScheduleValidator.Fields patch = changes.fields();
        boolean cadenceChanged = patch.every() != null || patch.cron() != null;
        ScheduleValidator.Fields merged = new ScheduleValidator.Fields(
                patch.target() != null ? patch.target() : current.target(),
                patch.ports() != null ? patch.ports() : Arrays.asList((Object[]) current.ports().split(",")),
                patch.regions() != null ? patch.regions() : current.regions() == null ? "all" : current.regions(),
                patch.limit() != null ? patch.limit() : patch.regions() != null ? null : current.regionLimit(),
                patch.timeoutMs() != null ? patch.timeoutMs() : current.timeoutMs(),
                patch.ipFamily() != null ? patch.ipFamily() : current.ipFamily().wireName(),
                cadenceChanged ? patch.every() : current.everyMs() != null ? current.cadence().describe() : null,
                cadenceChanged ? patch.cron() : current.cron(),
                patch.expect() != null ? patch.expect() : current.expectedState().name(),
                mergeAlert(current, patch.alert()));
        ScheduleSpec spec = validator.validate(merged);
        ScheduleValidator.HourlyCost cost = validator.hourlyCost(spec);
        boolean paused = changes.paused() != null ? changes.paused() : current.paused();
        if (!paused) {
            requireBudget(caller, current.id(), cost);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant nextFireAt = current.nextFireAt();
        if (cadenceChanged) {
            nextFireAt = spec.cadence().first(now, current.id()).truncatedTo(ChronoUnit.MICROS);
        }
        if (current.paused() && !paused && !nextFireAt.isAfter(now)) {
            nextFireAt = spec.cadence().nextDue(nextFireAt, now).truncatedTo(ChronoUnit.MICROS);
        }
        Schedule schedule = stored(current.id(), owner, spec, paused, caller, cost, nextFireAt,
                current.webhookSecret(), current.overBudgetSince(), current.lastFiredAt(), current.createdAt(), now);
        rows.update(schedule);
        LOG.infof("Schedule %s changed: %s ports %s %s%s, next run %s", schedule.id(), schedule.target(),
                schedule.ports(), describeCadence(schedule), schedule.paused() ? " (paused)" : "",
                schedule.nextFireAt());
        return schedule;
    }

    /** Deletes the schedule and its firing records; the checks it ran stay, without their schedule. */
    public void delete(String owner, UUID id) {
        if (!rows.delete(id, owner)) {
            throw new ScheduleNotFoundException(id.toString());
        }
        LOG.infof("Schedule %s deleted", id);
    }

    /**
     * @throws InvalidCheckException when {@code cost} exceeds the caller's whole hourly budget
     * @throws ScheduleBudgetException when it exceeds what the caller's other active schedules leave of it
     */
    private void requireBudget(Caller caller, UUID scheduleId, ScheduleValidator.HourlyCost cost) {
        long budget = caller.costPerHour();
        if (cost.total() > budget) {
            throw new InvalidCheckException("ports", "this schedule costs up to " + cost.total() + " an hour ("
                    + cost.describe() + "), more than the " + budget + " your key may spend in an hour; probe fewer "
                    + "ports or regions, or less often");
        }
        // Serialises the commitments of one key, so two concurrent requests cannot both take its last budget.
        rows.advisoryLock(LOCK_KEY_BUDGET, caller.quotaSubject());
        long committed = rows.committedCost(caller.quotaSubject(), scheduleId == null ? new UUID(0, 0) : scheduleId);
        if (committed + cost.total() > budget) {
            throw new ScheduleBudgetException(cost, committed, budget);
        }
    }

    /**
     * The row of a schedule as {@code spec} describes it, charged to the caller's key at {@code cost}; the rest is
     * given.
     */
    private static Schedule stored(UUID id, String owner, ScheduleSpec spec, boolean paused, Caller caller,
                                   ScheduleValidator.HourlyCost cost, Instant nextFireAt, String webhookSecret,
                                   Instant overBudgetSince, Instant lastFiredAt, Instant createdAt, Instant now) {
        var check = spec.check();
        Long everyMs = spec.cadence() instanceof Cadence.Every every ? every.interval().toMillis() : null;
        return new Schedule(id, owner, check.target().name(), check.ports().toString(), check.ports().size(),
                check.regions().named(), check.regions().limit(), Math.toIntExact(check.timeout().toMillis()),
                check.ipFamily(), everyMs, everyMs == null ? spec.cadence().describe() : null, spec.expected(),
                spec.alert().webhook() == null ? null : spec.alert().webhook().toString(), spec.alert().quorum(),
                spec.alert().consecutive(), webhookSecret, paused, caller.quotaSubject(), cost.total(),
                overBudgetSince, nextFireAt, lastFiredAt, createdAt, now);
    }

    /** The alert as stored, with the fields a PATCH names replaced ({@code "webhook": null} removes it). */
    private static Map<String, Object> mergeAlert(Schedule schedule, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("webhook", schedule.alertWebhook());
        merged.put("quorum", schedule.alertQuorum());
        merged.put("consecutive", schedule.alertConsecutive());
        if (patch != null) {
            merged.putAll(patch);
        }
        return merged;
    }

    /** 32 random bytes, base64url: the key of the webhook's HMAC-SHA256 signature. */
    private static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }

    private static String describeCadence(Schedule schedule) {
        return schedule.everyMs() != null ? "every " + schedule.cadence().describe() : "cron '" + schedule.cron() + "'";
    }
}
