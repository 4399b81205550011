package org.facestream.events;

/** The serde of every message type, in one place. */
public final class EventSerdes {
    private EventSerdes() {}

    public static FrameSerde frames() {
        return new FrameSerde();
    }

    public static JsonSerde<FaceObservation> faces() {
        return new JsonSerde<>(FaceObservation.class);
    }

    /** The gallery topic's values: sealed records (the plaintext {@link GalleryRecord} is never on a topic). */
    public static JsonSerde<SealedGalleryRecord> gallery() {
        return new JsonSerde<>(SealedGalleryRecord.class);
    }

    /** The subject-keys topic's values: wrapped data keys. */
    public static JsonSerde<SubjectKeyRecord> subjectKeys() {
        return new JsonSerde<>(SubjectKeyRecord.class);
    }

    public static IdentityEventSerde identities() {
        return new IdentityEventSerde();
    }

    public static JsonSerde<AuditRecord> audit() {
        return new JsonSerde<>(AuditRecord.class);
    }

    /** The audit-heads topic's values: each audit chain's checkpointed head. */
    public static JsonSerde<AuditHead> auditHeads() {
        return new JsonSerde<>(AuditHead.class);
    }

    /** The null-score topic's values: one matcher instance's null-score sketch (adaptive threshold). */
    public static JsonSerde<NullScoreReport> nullScores() {
        return new JsonSerde<>(NullScoreReport.class);
    }

    /** The threshold topic's values: versioned adaptive thresholds. */
    public static JsonSerde<ThresholdState> thresholds() {
        return new JsonSerde<>(ThresholdState.class);
    }
}
