package dev.parallax.coordinator.schedule;

import dev.parallax.coordinator.auth.Caller;
import dev.parallax.coordinator.check.InvalidCheckException;
import dev.parallax.coordinator.config.ParallaxConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
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
    private final EntityManager em;
    private final int maxPerOwner;

    public ScheduleService(ScheduleValidator validator, EntityManager em, ParallaxConfig config) {
        this.validator = validator;
        this.em = em;
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
        em.createNativeQuery("SELECT pg_advisory_xact_lock(:kind, hashtext(:owner))")
                .setParameter("kind", LOCK_OWNER_SCHEDULES).setParameter("owner", owner).getSingleResult();
        if (Schedule.count("owner", owner) >= maxPerOwner) {
            throw new ScheduleLimitException(maxPerOwner);
        }
        ScheduleValidator.HourlyCost cost = validator.hourlyCost(spec);
        requireBudget(caller, null, cost);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Schedule schedule = new Schedule();
        schedule.id = UUID.randomUUID();
        schedule.owner = owner;
        schedule.createdAt = now;
        schedule.webhookSecret = newSecret();
        apply(schedule, spec, now);
        charge(schedule, caller, cost);
        schedule.nextFireAt = spec.cadence().first(now, schedule.id).truncatedTo(ChronoUnit.MICROS);
        schedule.persist();
        LOG.infof("Schedule %s created: %s ports %s %s, first run %s", schedule.id, schedule.target,
                schedule.ports, describeCadence(schedule), schedule.nextFireAt);
        return schedule;
    }

    public Optional<Schedule> find(String owner, UUID id) {
        return Schedule.<Schedule>find("id = ?1 and owner = ?2", id, owner).firstResultOptional();
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
        return Schedule.<Schedule>find("owner = ?1 order by createdAt desc, id desc", owner).list();
    }

    /**
     * Applies a PATCH: the changed fields are validated together with the ones kept. A new cadence starts a new
     * grid; resuming a paused schedule continues its grid from now on, without the runs it missed. From now on the
     * schedule is charged to the caller's key, and an active one must fit its budget (see {@link #create}).
     */
    public Schedule update(Caller caller, UUID id, Changes changes) {
        String owner = caller.owner();
        Schedule schedule = Schedule.<Schedule>find("id = ?1 and owner = ?2", id, owner)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .orElseThrow(() -> new ScheduleNotFoundException(id.toString()));
        ScheduleValidator.Fields patch = changes.fields();
        boolean cadenceChanged = patch.every() != null || patch.cron() != null;
        ScheduleValidator.Fields merged = new ScheduleValidator.Fields(
                patch.target() != null ? patch.target() : schedule.target,
                patch.ports() != null ? patch.ports() : Arrays.asList((Object[]) schedule.ports.split(",")),
                patch.regions() != null ? patch.regions() : schedule.regions == null ? "all" : schedule.regions,
                patch.limit() != null ? patch.limit() : patch.regions() != null ? null : schedule.regionLimit,
                patch.timeoutMs() != null ? patch.timeoutMs() : schedule.timeoutMs,
                patch.ipFamily() != null ? patch.ipFamily() : schedule.ipFamily.wireName(),
                cadenceChanged ? patch.every() : schedule.everyMs != null ? schedule.cadence().describe() : null,
                cadenceChanged ? patch.cron() : schedule.cron,
                patch.expect() != null ? patch.expect() : schedule.expectedState.name(),
                mergeAlert(schedule, patch.alert()));
        ScheduleSpec spec = validator.validate(merged);
        ScheduleValidator.HourlyCost cost = validator.hourlyCost(spec);
        boolean pausedAfter = changes.paused() != null ? changes.paused() : schedule.paused;
        if (!pausedAfter) {
            requireBudget(caller, schedule.id, cost);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        apply(schedule, spec, now);
        charge(schedule, caller, cost);
        if (cadenceChanged) {
            schedule.nextFireAt = spec.cadence().first(now, schedule.id).truncatedTo(ChronoUnit.MICROS);
        }
        if (changes.paused() != null) {
            if (schedule.paused && !changes.paused() && !schedule.nextFireAt.isAfter(now)) {
                schedule.nextFireAt = spec.cadence().nextDue(schedule.nextFireAt, now)
                        .truncatedTo(ChronoUnit.MICROS);
            }
            schedule.paused = changes.paused();
        }
        LOG.infof("Schedule %s changed: %s ports %s %s%s, next run %s", schedule.id, schedule.target,
                schedule.ports, describeCadence(schedule), schedule.paused ? " (paused)" : "", schedule.nextFireAt);
        return schedule;
    }

    /** Deletes the schedule and its firing records; the checks it ran stay, without their schedule. */
    public void delete(String owner, UUID id) {
        if (Schedule.delete("id = ?1 and owner = ?2", id, owner) == 0) {
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
        em.createNativeQuery("SELECT pg_advisory_xact_lock(:kind, hashtext(:subject))")
                .setParameter("kind", LOCK_KEY_BUDGET).setParameter("subject", caller.quotaSubject()).getSingleResult();
        Number committed = (Number) em.createNativeQuery("""
                        SELECT coalesce(sum(cost_per_hour), 0) FROM schedules
                         WHERE quota_subject = :subject AND NOT paused AND id <> :id""")
                .setParameter("subject", caller.quotaSubject())
                .setParameter("id", scheduleId == null ? new UUID(0, 0) : scheduleId)
                .getSingleResult();
        if (committed.longValue() + cost.total() > budget) {
            throw new ScheduleBudgetException(cost, committed.longValue(), budget);
        }
    }

    private static void charge(Schedule schedule, Caller caller, ScheduleValidator.HourlyCost cost) {
        schedule.quotaSubject = caller.quotaSubject();
        schedule.costPerHour = cost.total();
    }

    private static void apply(Schedule schedule, ScheduleSpec spec, Instant now) {
        var check = spec.check();
        schedule.target = check.target().name();
        schedule.ports = check.ports().toString();
        schedule.portCount = check.ports().size();
        schedule.regions = check.regions().named();
        schedule.regionLimit = check.regions().limit();
        schedule.timeoutMs = Math.toIntExact(check.timeout().toMillis());
        schedule.ipFamily = check.ipFamily();
        if (spec.cadence() instanceof Cadence.Every every) {
            schedule.everyMs = every.interval().toMillis();
            schedule.cron = null;
        } else {
            schedule.everyMs = null;
            schedule.cron = spec.cadence().describe();
        }
        schedule.expectedState = spec.expected();
        schedule.alertWebhook = spec.alert().webhook() == null ? null : spec.alert().webhook().toString();
        schedule.alertQuorum = spec.alert().quorum();
        schedule.alertConsecutive = spec.alert().consecutive();
        schedule.updatedAt = now;
    }

    /** The alert as stored, with the fields a PATCH names replaced ({@code "webhook": null} removes it). */
    private static Map<String, Object> mergeAlert(Schedule schedule, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("webhook", schedule.alertWebhook);
        merged.put("quorum", schedule.alertQuorum);
        merged.put("consecutive", schedule.alertConsecutive);
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
        return schedule.everyMs != null ? "every " + schedule.cadence().describe() : "cron '" + schedule.cron + "'";
    }
}
