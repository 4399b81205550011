package org.facestream.events;

/**
 * Names of the topics in the catalogue ({@code topologies/topics.json}). Names follow
 * {@code facestream.<plural-noun>.v<N>}; the version only changes for breaking schema changes.
 */
public final class Topics {
    /** Camera frames as JPEG, keyed by camera id. Value: {@link Frame}. */
    public static final String FRAMES = "facestream.frames.v1";
    /** One record per detected face, keyed by camera id. Value: {@link FaceObservation}. */
    public static final String FACES = "facestream.faces.v1";
    /**
     * Compacted: subject id to its templates, encrypted under the subject's data key; a tombstone erases the
     * subject. Value: {@link SealedGalleryRecord}.
     */
    public static final String GALLERY = "facestream.gallery.v1";
    /**
     * Compacted, cleaned quickly: subject id to its data key, wrapped under a master key; a tombstone destroys
     * the key and with it every copy of the subject's gallery records. Value: {@link SubjectKeyRecord}.
     */
    public static final String SUBJECT_KEYS = "facestream.subject-keys.v1";
    /** Identity decisions as CloudEvents JSON, keyed by camera id. Value: {@link IdentityEvent}. */
    public static final String IDENTITIES = "facestream.identities.v1";
    /** Compacted: each matcher instance's null-score sketch for the adaptive threshold, keyed by instance id. */
    public static final String NULL_SCORES = "facestream.null-scores.v1";
    /** Compacted: the versioned adaptive threshold, keyed by policy id. */
    public static final String THRESHOLDS = "facestream.thresholds.v1";
    /**
     * Append-only, kept forever: who enrolled and erased which subject, threshold versions, configurations and
     * API key changes, hash-chained per writer. Key: chain id. Value: {@link AuditRecord}.
     */
    public static final String AUDIT = "facestream.audit.v1";
    /** Compacted: the checkpointed head of every audit chain ({@link AuditHead}), keyed by chain id. */
    public static final String AUDIT_HEADS = "facestream.audit-heads.v1";
    /**
     * Requests to change the gallery, keyed by subject id, so that every change of one subject lands on one
     * partition and is applied in order by the one gallery processor task that owns it: enroll (new templates,
     * sealed under a one-time key) or erase. Value: {@link GalleryCommand}.
     */
    public static final String GALLERY_COMMANDS = "facestream.gallery-commands.v1";
    /**
     * What became of each gallery command (enrolled, erased, refused, expired), keyed by subject id; entry points
     * wait here for the outcome of their request id. Value: {@link GalleryOutcome}.
     */
    public static final String GALLERY_OUTCOMES = "facestream.gallery-outcomes.v1";
    /**
     * Append-only, kept forever: one record per erasure (subject id, the destroyed data key's id, when), so a
     * replayed key or gallery record is refused after any restart and feeds of identity events can drop the
     * subject's past events. Value: {@link ErasureRecord}.
     */
    public static final String ERASURES = "facestream.erasures.v1";
    /**
     * The key of the tombstone the gallery processor writes to {@link #SUBJECT_KEYS} every few minutes: Kafka rolls
     * a segment (and can then compact away a destroyed key) only when something is appended, so an erasure must not
     * wait for the next enrollment. Not a subject id (it starts with {@code #}); readers ignore it.
     */
    public static final String SEGMENT_ROLL_KEY = "#segment-roll";
    /** Records no stage could process, with the reason in headers (see {@link DeadLetters}). */
    public static final String DEADLETTER = "facestream.deadletter.v1";

    private Topics() {}
}
