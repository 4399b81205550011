package org.facestream.match;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.facestream.events.DeadLetters;
import org.facestream.gallery.GalleryIndex;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;

/**
 * The series of one matcher instance, all in its process's {@link MetricsRegistry}: the registry is the only
 * copy, and the accessors here read it back (the CLI, the demo and tests ask in domain terms). Every
 * counter, including each dead-letter and gallery-skip reason the matcher can count, is created at zero
 * when this object is, so Prometheus sees it before its first event. Counters only grow; the gallery sizes
 * are gauges the gallery loader sets after every change.
 *
 * <p>Names: counters {@code matcher_observations_total}, {@code matcher_matches_total}, {@code
 * matcher_unknowns_total}, {@code matcher_tracked_faces_total}, {@code matcher_deadletters_total}, {@code
 * matcher_keys_destroyed_total}, {@code matcher_gallery_upserts_total}, {@code
 * matcher_gallery_erasures_total}, {@code matcher_key_upserts_total}, {@code deadletter_total{reason}} (the
 * series the worker counts into too, and the alert rules read), {@code
 * matcher_gallery_skipped_total{reason}}; gauges {@code matcher_gallery_subjects}, {@code
 * matcher_gallery_templates}, {@code matcher_gallery_awaiting_key}; histogram {@code
 * stage_latency_seconds{stage="match"}}; with {@link #follow(ThresholdMode)}, the threshold in force; with
 * {@link #follow(GalleryIndex)}, how the gallery was searched.
 *
 * <p>One instance per registry (a second would share the first's counters and replace its gauges).
 * Thread-safe: stream threads and the global thread update it concurrently.
 */
public final class MatcherMetrics {
    /** The reasons {@code match-observation} dead-letters an observation for. */
    public static final Set<DeadLetters.Reason> OBSERVATION_REASONS = Collections.unmodifiableSet(EnumSet.of(
            DeadLetters.Reason.DESERIALIZATION_FAILED,
            DeadLetters.Reason.EMBEDDING_NOT_FINITE,
            DeadLetters.Reason.MODEL_PACK_MISMATCH,
            DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH,
            DeadLetters.Reason.EMBEDDING_ZERO_NORM,
            DeadLetters.Reason.MATCH_FAILED));
    /** The reasons the gallery loaders refuse a gallery or subject-key record for. */
    public static final Set<DeadLetters.Reason> GALLERY_REASONS = Collections.unmodifiableSet(EnumSet.of(
            DeadLetters.Reason.DESERIALIZATION_FAILED,
            DeadLetters.Reason.MISSING_KEY,
            DeadLetters.Reason.SUBJECT_KEY_MISMATCH,
            DeadLetters.Reason.MODEL_PACK_MISMATCH,
            DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH,
            DeadLetters.Reason.KEY_DESTROYED,
            DeadLetters.Reason.DECRYPTION_FAILED,
            DeadLetters.Reason.INVALID_RECORD,
            DeadLetters.Reason.KEY_UNREADABLE));

    private static final String DEAD_LETTERS_BY_REASON = "deadletter_total";
    private static final String GALLERY_SKIPPED_BY_REASON = "matcher_gallery_skipped_total";

    private final MetricsRegistry registry;
    private final LatencyHistogram matchLatency;
    private final LongAdder observations;
    private final LongAdder matches;
    private final LongAdder unknowns;
    private final LongAdder trackedFaces;
    private final LongAdder deadLetters;
    private final ConcurrentMap<DeadLetters.Reason, LongAdder> deadLettersByReason = new ConcurrentHashMap<>();
    private final LongAdder galleryUpserts;
    private final LongAdder galleryErasures;
    private final ConcurrentMap<DeadLetters.Reason, LongAdder> gallerySkipped = new ConcurrentHashMap<>();
    private final LongAdder keyUpserts;
    private final LongAdder keyDestructions;
    private final AtomicLong gallerySubjects = new AtomicLong();
    private final AtomicLong galleryTemplates = new AtomicLong();
    private final AtomicLong galleryAwaitingKey = new AtomicLong();

    /** Creates every series of the matcher in {@code registry}, counters at zero. */
    public MatcherMetrics(MetricsRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        matchLatency = registry.histogram(
                "stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", "match"));
        observations = registry.counter("matcher_observations_total", "Observations the matcher decided");
        matches = registry.counter("matcher_matches_total", "Observations matched to an enrolled subject");
        unknowns = registry.counter("matcher_unknowns_total", "Observations decided unknown");
        trackedFaces = registry.counter(
                "matcher_tracked_faces_total", "Faces that joined a track with no decision due (matcher.tracks)");
        deadLetters = registry.counter("matcher_deadletters_total", "Observations the matcher dead-lettered");
        galleryUpserts =
                registry.counter("matcher_gallery_upserts_total", "Gallery records decrypted into the matcher's index");
        galleryErasures = registry.counter("matcher_gallery_erasures_total", "Gallery tombstones the matcher applied");
        keyUpserts = registry.counter("matcher_key_upserts_total", "Subject data keys the matcher accepted");
        keyDestructions = registry.counter("matcher_keys_destroyed_total", "Subject data keys destroyed by erasure");
        OBSERVATION_REASONS.forEach(this::deadLetterSeries);
        GALLERY_REASONS.forEach(this::gallerySkipSeries);
        registry.gauge("matcher_gallery_subjects", "Subjects in the matcher's gallery index", "", gallerySubjects::get);
        registry.gauge(
                "matcher_gallery_templates", "Templates in the matcher's gallery index", "", galleryTemplates::get);
        registry.gauge(
                "matcher_gallery_awaiting_key",
                "Subjects whose sealed gallery record waits for its data key",
                "",
                galleryAwaitingKey::get);
    }

    /**
     * Exports how the gallery index searched ({@code matcher_search_compressed_total}: observations searched
     * through its compressed copy, {@code matcher_search_fp32_rescans_total}: of those, the ones whose ranking
     * the compressed scan could not prove and that scanned every subject in fp32; a rising share says compression
     * stops paying for this gallery).
     */
    public void follow(GalleryIndex index) {
        registry.counter(
                "matcher_search_compressed_total",
                "Observations whose gallery search scanned the compressed (int8/fp16) copy",
                "",
                index::compressedSearches);
        registry.counter(
                "matcher_search_fp32_rescans_total",
                "Compressed gallery searches that could not prove their ranking and scanned every subject in fp32",
                "",
                index::exactRescans);
    }

    /**
     * Exports the threshold in force ({@code matcher_threshold_cosine}); with the adaptive policy also its
     * version and the published moves of at least the policy's alert step it applied ({@code
     * matcher_threshold_version}, {@code matcher_threshold_large_moves_total}), and cohort hygiene's flags ({@code
     * matcher_cohort_flagged} now, {@code matcher_cohort_flag_events_total} since start).
     */
    public void follow(ThresholdMode mode) {
        String help = "Decision threshold in force (cosine)";
        switch (mode) {
            case ThresholdMode.Fixed fixed ->
                registry.gauge("matcher_threshold_cosine", help, "", fixed.policy()::cosine);
            case ThresholdMode.Adaptive adaptive -> {
                AdaptiveThreshold policy = adaptive.policy();
                registry.gauge(
                        "matcher_threshold_cosine",
                        help,
                        "",
                        () -> policy.current() == null
                                ? policy.policy().initial()
                                : policy.current().value());
                registry.gauge(
                        "matcher_threshold_version",
                        "Version of the threshold in force",
                        "",
                        () -> policy.current() == null ? 0 : policy.current().version());
                LongAdder largeMoves = registry.counter(
                        "matcher_threshold_large_moves_total", "Threshold moves larger than the policy's alert step");
                policy.onLargeMove(state -> largeMoves.increment());
                registry.gauge(
                        "matcher_cohort_flagged",
                        "Cohort identities that look like an enrolled subject (left out of the null scores)",
                        "",
                        () -> policy.cohortFlags().size());
                LongAdder flagEvents = registry.counter(
                        "matcher_cohort_flag_events_total",
                        "Times cohort hygiene flagged a cohort identity as looking like an enrolled subject");
                policy.onCohortFlag(change -> {
                    if (change.flagged()) {
                        flagEvents.increment();
                    }
                });
            }
        }
    }

    /** Search and decision time per observation ({@code stage_latency_seconds{stage="match"}}). */
    LatencyHistogram matchLatency() {
        return matchLatency;
    }

    /** Observation records read (readable or not). */
    public long observations() {
        return observations.sum();
    }

    /** Identity events naming an enrolled subject. */
    public long matches() {
        return matches.sum();
    }

    /** Identity events for faces no subject passed the threshold for. */
    public long unknowns() {
        return unknowns.sum();
    }

    /** Faces that joined a track without a decision being due (deciding per track): no event of their own. */
    public long trackedFaces() {
        return trackedFaces.sum();
    }

    /**
     * {@code deadletter_total{reason}}: in a process that runs a vision worker too (the demo), the worker's
     * dead letters of the same reason are in it.
     */
    public long deadLetters(DeadLetters.Reason reason) {
        LongAdder a = deadLettersByReason.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** All observations this matcher dead-lettered, over every reason. */
    public long deadLetters() {
        return deadLetters.sum();
    }

    /** Gallery records decrypted into the index (subject added or replaced). */
    public long galleryUpserts() {
        return galleryUpserts.sum();
    }

    /** Subject data keys accepted (new or replacing). */
    public long keyUpserts() {
        return keyUpserts.sum();
    }

    /** Subject data keys destroyed (key tombstones: erasures). */
    public long keyDestructions() {
        return keyDestructions.sum();
    }

    /**
     * Subjects whose sealed record is in the store but not in the index because the data key it names has not
     * arrived: briefly during enrollment (the two topics are read in no particular order), for good when the
     * key never comes (a record written without its key, or a restored copy of a record whose key is gone).
     */
    public long galleryAwaitingKey() {
        return galleryAwaitingKey.get();
    }

    /** Gallery tombstones applied. */
    public long galleryErasures() {
        return galleryErasures.sum();
    }

    /** Gallery records skipped with {@code reason} (logged, not dead-lettered: see {@link MatcherTopology}). */
    public long gallerySkipped(DeadLetters.Reason reason) {
        LongAdder a = gallerySkipped.get(reason);
        return a == null ? 0 : a.sum();
    }

    /** Subjects currently in the gallery index. */
    public long gallerySubjects() {
        return gallerySubjects.get();
    }

    /** Templates currently in the gallery index. */
    public long galleryTemplates() {
        return galleryTemplates.get();
    }

    /**
     * Every count by a dotted name ({@code observations}, {@code dead-letters.model-pack-mismatch},
     * {@code gallery.skipped.deserialization-failed}, {@code gallery.subjects}, ...), sorted by name; reasons
     * only once they have counted something.
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        out.put("observations", observations());
        out.put("matches", matches());
        out.put("unknowns", unknowns());
        out.put("tracked-faces", trackedFaces());
        out.put("dead-letters", deadLetters());
        putCounted(out, "dead-letters.", deadLettersByReason);
        out.put("gallery.upserts", galleryUpserts());
        out.put("gallery.erasures", galleryErasures());
        putCounted(out, "gallery.skipped.", gallerySkipped);
        out.put("gallery.subjects", gallerySubjects());
        out.put("gallery.templates", galleryTemplates());
        out.put("gallery.awaiting-key", galleryAwaitingKey());
        out.put("keys.upserts", keyUpserts());
        out.put("keys.destroyed", keyDestructions());
        return out;
    }

    private static void putCounted(Map<String, Long> out, String prefix, Map<DeadLetters.Reason, LongAdder> byReason) {
        byReason.forEach((reason, a) -> {
            long n = a.sum();
            if (n != 0) {
                out.put(prefix + reason, n);
            }
        });
    }

    void observation() {
        observations.increment();
    }

    void match() {
        matches.increment();
    }

    void unknown() {
        unknowns.increment();
    }

    void trackedFace() {
        trackedFaces.increment();
    }

    void deadLetter(DeadLetters.Reason reason) {
        deadLetters.increment();
        deadLetterSeries(reason).increment();
    }

    void galleryUpsert() {
        galleryUpserts.increment();
    }

    void galleryErasure() {
        galleryErasures.increment();
    }

    void gallerySkip(DeadLetters.Reason reason) {
        gallerySkipSeries(reason).increment();
    }

    void keyUpsert() {
        keyUpserts.increment();
    }

    void keyDestruction() {
        keyDestructions.increment();
    }

    void galleryAwaitingKey(int subjects) {
        galleryAwaitingKey.set(subjects);
    }

    void gallerySize(int subjects, int templates) {
        gallerySubjects.set(subjects);
        galleryTemplates.set(templates);
    }

    private LongAdder deadLetterSeries(DeadLetters.Reason reason) {
        return deadLettersByReason.computeIfAbsent(
                reason,
                r -> registry.counter(
                        DEAD_LETTERS_BY_REASON,
                        "Records sent to the dead-letter topic",
                        MetricsRegistry.label("reason", r.code())));
    }

    private LongAdder gallerySkipSeries(DeadLetters.Reason reason) {
        return gallerySkipped.computeIfAbsent(
                reason,
                r -> registry.counter(
                        GALLERY_SKIPPED_BY_REASON,
                        "Gallery records the matcher refused (logged, subject erased)",
                        MetricsRegistry.label("reason", r.code())));
    }

    @Override
    public String toString() {
        return "MatcherMetrics" + snapshot();
    }
}
