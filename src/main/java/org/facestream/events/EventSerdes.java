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

    /** The gallery command topic's values: enrollments (templates sealed) and erasures, keyed by subject. */
    public static JsonSerde<GalleryCommand> galleryCommands() {
        return new JsonSerde<>(GalleryCommand.class);
    }

    /** The gallery outcome topic's values: what became of each command. */
    public static JsonSerde<GalleryOutcome> galleryOutcomes() {
        return new JsonSerde<>(GalleryOutcome.class);
    }

    /** The erasure topic's values: one per erasure, with the destroyed key's id. */
    public static JsonSerde<ErasureRecord> erasures() {
        return new JsonSerde<>(ErasureRecord.class);
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
