package org.facestream.match;

import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.ErasureRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.JsonSerde;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.facestream.match.track.CameraTracks;
import org.facestream.metrics.MetricsRegistry;

/**
 * The matcher: decides every face observation against the enrolled gallery and publishes identity events.
 * Its described form is checked in as {@code topologies/matcher.txt}.
 *
 * <pre>
 * facestream.erasures.v1     -> erasures-source     -> erasure-loader     -> [destroyed-keys] (global, RocksDB, key ids)
 * facestream.gallery.v1      -> gallery-source      -> gallery-loader     -> [templates-by-subject] (global, RocksDB, sealed)
 * facestream.subject-keys.v1 -> subject-keys-source -> subject-key-loader -> [keys-by-subject] (global, in memory, wrapped)
 *                                       three loaders -> GalleryUnsealer   -> GalleryIndex (in memory, the only clear copy)
 * facestream.faces.v1   -> faces-source   -> match-observation -> identities-sink -> facestream.identities.v1
 *                                                              \-> deadletter-sink -> facestream.deadletter.v1
 * </pre>
 *
 * <ul>
 *   <li>Templates are encrypted at rest: the gallery topic and its store hold each subject's record sealed
 *       (AES-256-GCM) under the subject's own data key; the keys travel on their own topic, wrapped under a
 *       master key the builder is given. Destroying a subject's key (erasure) makes every copy of its
 *       records undecryptable. The two global stores are fed by different topics with no order between
 *       them: a record may arrive before its key (it waits in the store, and is indexed when the key comes)
 *       or after its key was destroyed (it is refused and counted); both loaders run on the single global
 *       thread and share one {@link GalleryUnsealer}. The key store is in memory, so no key is ever on the
 *       matcher's disk and every start re-reads the key topic. Every key an erasure destroyed is remembered for
 *       good ({@code destroyed-keys}, from the append-only erasure topic, registered and restored first): a key
 *       record or a gallery record naming one (a replay, a restored backup) is refused, also after a restart.
 *   <li>The gallery is a <em>global</em> store: observations are keyed (and partitioned) by camera, so
 *       every task may see any subject, and each instance needs the whole gallery. The store is RocksDB so
 *       a restart restores only what changed since its checkpoint rather than re-reading the topic.
 *   <li>The loaders keep an in-memory {@link GalleryIndex} of the decrypted templates in step with the
 *       stores (search needs the templates contiguous in memory; RocksDB is the durable, encrypted copy).
 *       The index is shared with {@code match-observation}, which never touches the stores itself. Values
 *       are read by deserializers that never throw, since a global store's deserialization error is fatal;
 *       the loaders log, count and skip unusable records (a global processor cannot forward to the
 *       dead-letter topic).
 *   <li>{@code faces-source} reads raw bytes so that {@code match-observation} deserializes, and can
 *       dead-letter with the exact topic, partition and offset of any record it cannot use.
 * </ul>
 *
 * <p>The builder is pure: it starts nothing and reads no configuration beyond its {@link Spec}. Works with
 * {@code processing.guarantee=exactly_once_v2}: the stream task only reads, forwards and commits; the global
 * store is outside transactions by design (it is re-derivable from the compacted topic).
 */
public final class MatcherTopology {
    public static final String ERASURES_SOURCE = "erasures-source";
    public static final String ERASURE_LOADER = "erasure-loader";
    public static final String GALLERY_SOURCE = "gallery-source";
    public static final String GALLERY_LOADER = "gallery-loader";
    public static final String SUBJECT_KEYS_SOURCE = "subject-keys-source";
    public static final String SUBJECT_KEY_LOADER = "subject-key-loader";
    public static final String FACES_SOURCE = "faces-source";
    public static final String MATCH_OBSERVATION = "match-observation";
    public static final String IDENTITIES_SINK = "identities-sink";
    public static final String DEADLETTER_SINK = "deadletter-sink";
    public static final String THRESHOLDS_SOURCE = "thresholds-source";
    public static final String THRESHOLD_LOADER = "threshold-loader";
    public static final String THRESHOLDS_BY_POLICY = "thresholds-by-policy";
    public static final String NULL_SCORES_SINK = "null-scores-sink";
    /** Per camera its active tracks ({@link CameraTracks}); persistent and changelogged, present when deciding per track. */
    public static final String TRACK_BY_CAMERA = "track-by-camera";

    private MatcherTopology() {}

    /**
     * What the matcher is built from: its settings and the collaborators its processors share.
     *
     * @param matcher what is compared (pack, dimension, top-k)
     * @param keys the master keys that unwrap the subjects' data keys
     * @param threshold fixed, or adaptive (which adds the thresholds store and the null-score reports)
     * @param tracking per face, or per track (which adds {@value #TRACK_BY_CAMERA})
     * @param metrics the series the processors count into
     * @param index the in-memory gallery the loaders maintain and the match processor searches; one per
     *     topology (the loader replaces its content from the stores on start), and the one an adaptive policy
     *     was built on
     * @param clock stamps {@code decidedAt} on identity events and {@code reportedAt} on null-score reports
     */
    public record Spec(
            MatcherConfig matcher,
            MasterKeys keys,
            ThresholdMode threshold,
            Tracking tracking,
            MatcherMetrics metrics,
            GalleryIndex index,
            Clock clock) {
        public Spec {
            Objects.requireNonNull(matcher, "matcher");
            Objects.requireNonNull(keys, "keys");
            Objects.requireNonNull(threshold, "threshold");
            Objects.requireNonNull(tracking, "tracking");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(index, "index");
            Objects.requireNonNull(clock, "clock");
            if (matcher.dimension() > 0 && index.dimension() > 0 && matcher.dimension() != index.dimension()) {
                throw new IllegalArgumentException(
                        "expected an index of dimension " + matcher.dimension() + ", found " + index.dimension());
            }
        }

        /**
         * Deciding every face with {@code threshold}, counting into a registry of its own (unread: for describing
         * and tests that only read topics), with a fresh index and the system clock; the withers replace them.
         */
        public static Spec of(MatcherConfig matcher, MasterKeys keys, ThresholdMode threshold) {
            return new Spec(
                    matcher,
                    keys,
                    threshold,
                    Tracking.PER_FACE,
                    new MatcherMetrics(new MetricsRegistry()),
                    newIndex(matcher),
                    Clock.systemUTC());
        }

        public Spec withTracking(Tracking tracking) {
            return new Spec(matcher, keys, threshold, tracking, metrics, index, clock);
        }

        public Spec withMetrics(MatcherMetrics metrics) {
            return new Spec(matcher, keys, threshold, tracking, metrics, index, clock);
        }

        public Spec withIndex(GalleryIndex index) {
            return new Spec(matcher, keys, threshold, tracking, metrics, index, clock);
        }

        public Spec withClock(Clock clock) {
            return new Spec(matcher, keys, threshold, tracking, metrics, index, clock);
        }
    }

    /**
     * The matcher of {@code spec}. With {@link ThresholdMode.Adaptive} (described in {@code
     * topologies/matcher-adaptive.txt}) it adds the published thresholds as a global store whose loader keeps
     * the policy current, and sends this instance's null-score window to the aggregator every reporting
     * interval:
     *
     * <pre>
     * facestream.thresholds.v1 -> thresholds-source -> threshold-loader -> [thresholds-by-policy] (global) + policy
     * match-observation -> null-scores-sink -> facestream.null-scores.v1 (punctuated, key instance id)
     * </pre>
     *
     * With {@link Tracking.PerTrack} ({@code topologies/matcher-tracks.txt}) {@code match-observation} keeps
     * {@value #TRACK_BY_CAMERA}.
     */
    public static Topology build(Spec spec) {
        Objects.requireNonNull(spec, "spec");
        MatcherConfig cfg = spec.matcher();
        MatcherMetrics metrics = spec.metrics();
        ObservationMatcher matcher =
                new ObservationMatcher(cfg, spec.threshold().policy(), spec.index());
        GalleryUnsealer unsealer = new GalleryUnsealer(
                cfg,
                spec.keys(),
                spec.index(),
                metrics,
                spec.threshold() instanceof ThresholdMode.Adaptive a ? a.policy() : GalleryListener.NONE);
        NullScoreReporter reporter = NullScoreReporter.of(spec.threshold(), spec.clock());

        // Changelogs disabled: a global store's changelog is its source topic.
        StoreBuilder<KeyValueStore<String, SealedGalleryRecord>> templatesBySubject = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT),
                        Serdes.String(),
                        EventSerdes.gallery())
                .withLoggingDisabled();
        // In memory: wrapped keys never reach the matcher's disk, and a restart re-reads the compacted topic.
        StoreBuilder<KeyValueStore<String, SubjectKeyRecord>> keysBySubject = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(GalleryStoreNames.KEYS_BY_SUBJECT),
                        Serdes.String(),
                        EventSerdes.subjectKeys())
                .withLoggingDisabled();

        // First: restored before the others, so a replayed key or record is refused during their restore too.
        StoreBuilder<KeyValueStore<String, ErasureRecord>> destroyedKeys = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(GalleryStoreNames.DESTROYED_KEYS),
                        Serdes.String(),
                        EventSerdes.erasures())
                .withLoggingDisabled();

        Topology topology = new Topology();
        topology.addGlobalStore(
                destroyedKeys,
                ERASURES_SOURCE,
                new StringDeserializer(),
                new LenientDeserializer<>(EventSerdes.erasures()),
                Topics.ERASURES,
                ERASURE_LOADER,
                () -> new ErasureLoader(unsealer));
        topology.addGlobalStore(
                templatesBySubject,
                GALLERY_SOURCE,
                new StringDeserializer(),
                new LenientDeserializer<>(EventSerdes.gallery()),
                Topics.GALLERY,
                GALLERY_LOADER,
                () -> new GalleryLoader(unsealer));
        topology.addGlobalStore(
                keysBySubject,
                SUBJECT_KEYS_SOURCE,
                new StringDeserializer(),
                new LenientDeserializer<>(EventSerdes.subjectKeys()),
                Topics.SUBJECT_KEYS,
                SUBJECT_KEY_LOADER,
                () -> new SubjectKeyLoader(unsealer));
        topology.addSource(FACES_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Topics.FACES);
        topology.addProcessor(
                MATCH_OBSERVATION,
                () -> new MatchProcessor(metrics, FaceDecider.of(spec.tracking(), matcher, spec.clock()), reporter),
                FACES_SOURCE);
        if (spec.tracking() instanceof Tracking.PerTrack) {
            // Changelogged: a restarted or migrated task continues every track instead of starting them again,
            // which would re-decide (and, with the adaptive policy, re-count) every person in view.
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(TRACK_BY_CAMERA), Serdes.String(), cameraTracksSerde()),
                    MATCH_OBSERVATION);
        }
        topology.addSink(
                IDENTITIES_SINK,
                Topics.IDENTITIES,
                new StringSerializer(),
                EventSerdes.identities(),
                MATCH_OBSERVATION);
        topology.addSink(
                DEADLETTER_SINK,
                Topics.DEADLETTER,
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                MATCH_OBSERVATION);
        if (spec.threshold() instanceof ThresholdMode.Adaptive adaptive) {
            StoreBuilder<KeyValueStore<String, ThresholdState>> thresholds = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(THRESHOLDS_BY_POLICY),
                            Serdes.String(),
                            EventSerdes.thresholds())
                    .withLoggingDisabled();
            topology.addGlobalStore(
                    thresholds,
                    THRESHOLDS_SOURCE,
                    new StringDeserializer(),
                    new ThresholdLoader.Lenient(),
                    Topics.THRESHOLDS,
                    THRESHOLD_LOADER,
                    () -> new ThresholdLoader(adaptive.policy()));
            topology.addSink(
                    NULL_SCORES_SINK,
                    Topics.NULL_SCORES,
                    new StringSerializer(),
                    EventSerdes.nullScores(),
                    MATCH_OBSERVATION);
        }
        return topology;
    }

    /** The JSON serde of the {@value #TRACK_BY_CAMERA} store's values (and its changelog). */
    public static JsonSerde<CameraTracks> cameraTracksSerde() {
        return new JsonSerde<>(CameraTracks.class);
    }

    /** An empty index for {@code cfg}: of its dimension, or inferring one when it is 0. */
    public static GalleryIndex newIndex(MatcherConfig cfg) {
        return new GalleryIndex(cfg.dimension(), 1, cfg.search());
    }
}
