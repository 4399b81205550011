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
    /** Records no stage could process, with the reason in headers (see {@link DeadLetters}). */
    public static final String DEADLETTER = "facestream.deadletter.v1";

    private Topics() {}
}
