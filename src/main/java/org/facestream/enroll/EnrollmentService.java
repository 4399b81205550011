package org.facestream.enroll;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;

/**
 * The one enrollment and erasure of FaceStream, whichever entry point asks ({@code POST
 * /api/v1/subjects/{id}/faces} and {@code DELETE /api/v1/subjects/{id}}, {@code facestream enroll} and
 * {@code erase}, the demo and bench pipelines): it submits a {@link GalleryCommand} and waits for its outcome.
 * The gallery processor ({@link GalleryCommandTopology}, {@link GalleryChanges}) applies the commands of one
 * subject one at a time, in the order they landed, from every process that submits them, so an enrollment and an
 * erasure of one subject are always ordered: an erasure answered {@code erased} is never undone, and an enrollment
 * that lands after it makes a new subject of only its own photos under a fresh data key.
 *
 * <p>Enrollment sends the templates of the new photos (one per photo, made by {@link Enroller} through the
 * production detect-align-embed path: the entry point runs the models, the processor never does), sealed under a
 * one-time key wrapped under the master key; the processor clusters them with the subject's current templates (those
 * of the same model pack and dimension), keeps the dominant cluster as up to {@code maxTemplatesPerSubject}
 * sub-centres and reports the photos outside it as outliers, never enrolled. The subject keeps its display name
 * unless a new one is given. An enrollment expires when its wait ends, so an entry point that gave up can say it was
 * not applied. An erasure never expires: one that timed out stays queued.
 *
 * <p>Thread-safe; enrollments of one subject may overlap (the processor orders them).
 */
public final class EnrollmentService {
    /** How long an entry point keeps waiting after an enrollment expired, for an outcome decided just before. */
    static final Duration EXPIRY_GRACE = Duration.ofSeconds(5);

    private final GalleryCommands commands;
    private final MasterKeys masterKeys;
    private final int maxTemplatesPerSubject;
    private final Duration timeout;
    private final Clock clock;
    private final GalleryCipher cipher = new GalleryCipher();

    /**
     * @param commands where commands go and outcomes come from
     * @param masterKeys seal the photos of an enrollment (the gallery processor's master keys); null for an entry
     *     point that only erases (erasure needs no master key)
     * @param maxTemplatesPerSubject most sub-centre templates a subject keeps
     * @param timeout how long to wait for an outcome; an enrollment expires when it ends
     */
    public EnrollmentService(
            GalleryCommands commands, MasterKeys masterKeys, int maxTemplatesPerSubject, Duration timeout) {
        this(commands, masterKeys, maxTemplatesPerSubject, timeout, Clock.systemUTC());
    }

    EnrollmentService(
            GalleryCommands commands,
            MasterKeys masterKeys,
            int maxTemplatesPerSubject,
            Duration timeout,
            Clock clock) {
        if (maxTemplatesPerSubject < 1 || maxTemplatesPerSubject > GalleryCommand.MAX_TEMPLATES) {
            throw new IllegalArgumentException("expected 1-" + GalleryCommand.MAX_TEMPLATES
                    + " templates per subject, found " + maxTemplatesPerSubject);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("expected a positive timeout, found " + timeout);
        }
        this.commands = Objects.requireNonNull(commands, "commands");
        this.masterKeys = masterKeys;
        this.maxTemplatesPerSubject = maxTemplatesPerSubject;
        this.timeout = timeout;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Adds the templates of new photos to their subject's enrollment (a new subject when it has none).
     *
     * @param photos one template per new photo ({@link Enroller#everyTemplate}), of the subject to enroll
     * @param displayName the subject's name from now on, or null to keep its current one (its id for a new subject)
     * @param origin who asks, and through which entry point
     * @return the outcome, status {@value GalleryOutcome#ENROLLED}: templates, outliers, data key, audit record
     * @throws GalleryCommandException when it was refused, expired, timed out or could not be submitted: the message
     *     says which (then nothing was enrolled)
     */
    public GalleryOutcome enroll(GalleryRecord photos, String displayName, Origin origin) throws InterruptedException {
        if (masterKeys == null) {
            throw new IllegalStateException(
                    "expected master keys to enroll " + photos.subjectId() + ", found none (this service only erases)");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(timeout);
        GalleryRecord named = displayName == null
                ? photos
                : new GalleryRecord(
                        photos.subjectId(), displayName, photos.templates(), photos.modelPackId(), photos.enrolledAt());
        SubjectKey once = SubjectKey.generate(photos.subjectId());
        GalleryCommand command = GalleryCommand.enroll(
                UUID.randomUUID().toString(),
                now,
                expires,
                origin.actor(),
                origin.details(),
                displayName != null,
                maxTemplatesPerSubject,
                cipher.seal(named, once),
                masterKeys.wrap(once, now));
        GalleryOutcome outcome;
        try {
            outcome = commands.apply(command, timeout.plus(EXPIRY_GRACE));
        } catch (GalleryCommandException e) {
            if (e.kind() != GalleryCommandException.Kind.TIMED_OUT) {
                throw e;
            }
            throw new GalleryCommandException(
                    GalleryCommandException.Kind.TIMED_OUT,
                    e.getMessage() + " The enrollment expired at " + expires
                            + ": the gallery processor refuses it after that, so it was not applied.",
                    e);
        }
        return switch (outcome.status()) {
            case GalleryOutcome.ENROLLED -> outcome;
            case GalleryOutcome.EXPIRED ->
                throw new GalleryCommandException(GalleryCommandException.Kind.EXPIRED, outcome.message());
            default -> throw new GalleryCommandException(GalleryCommandException.Kind.REFUSED, outcome.message());
        };
    }

    /**
     * Erases a subject: the gallery processor destroys its data key, tombstones its record and records the erasure,
     * with the audit record, in one transaction. Applied whether or not the processor holds the subject (the
     * outcome's {@code hadRecord} says which); whether it is there to erase is the caller's question (the API
     * answers 404, the command refuses every subject before erasing any).
     *
     * @return the outcome, status {@value GalleryOutcome#ERASED}
     * @throws GalleryCommandException {@link GalleryCommandException.Kind#TIMED_OUT} when no outcome came in time (the
     *     erasure stays queued and will be applied), {@link GalleryCommandException.Kind#UNAVAILABLE} when it could
     *     not be submitted
     */
    public GalleryOutcome erase(String subjectId, Origin origin) throws InterruptedException {
        GalleryCommand command = GalleryCommand.erase(
                UUID.randomUUID().toString(), subjectId, clock.instant(), origin.actor(), origin.details());
        GalleryOutcome outcome;
        try {
            outcome = commands.apply(command, timeout);
        } catch (GalleryCommandException e) {
            if (e.kind() != GalleryCommandException.Kind.TIMED_OUT) {
                throw e;
            }
            throw new GalleryCommandException(
                    GalleryCommandException.Kind.TIMED_OUT,
                    e.getMessage() + " The erasure stays queued on the commands topic and is applied when the gallery"
                            + " processor runs; check with 'facestream audit show --subject " + subjectId + "'.",
                    e);
        }
        if (!GalleryOutcome.ERASED.equals(outcome.status())) {
            throw new GalleryCommandException(GalleryCommandException.Kind.REFUSED, outcome.message());
        }
        return outcome;
    }
}
