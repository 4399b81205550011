package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.FaceTrack;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.NullScoreReport;
import org.facestream.events.Template;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.track.CameraTracks;
import org.facestream.match.track.TrackFusion;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Embeddings;
import org.facestream.testing.GalleryKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matcher deciding per track ({@code matcher.tracks=true}) on {@link TopologyTestDriver}, with EOS v2 and
 * the persistent {@code track-by-camera} store as in production.
 */
class TrackDecisionTopologyTest {
    private static final String PACK = "yunet-mobilefacenet-512";
    private static final int D = Embeddings.DIMENSION;
    private static final double THRESHOLD = 0.35;
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    /** Detector 0.9, eyes 40 px apart: weight 0.9 per face. */
    private static final FaceQuality QUALITY = new FaceQuality(0.9f, 40, 140, 0, 0, 22);

    @TempDir
    Path stateDir;

    private final Random random = new Random(31);
    private final float[] alice = Embeddings.unit(random, D);
    private final float[] bob = Embeddings.unit(random, D);
    private final GalleryKeys keys = new GalleryKeys();
    private final MatcherConfig cfg = MatcherConfig.of(PACK);
    private final TrackFusion.Config tracks = TrackFusion.Config.defaults();
    /** Per worker track: its first capture time and its shots so far. */
    private final java.util.Map<String, Instant> firstSeen = new java.util.HashMap<>();

    private final java.util.Map<String, Integer> shots = new java.util.HashMap<>();
    private MatcherMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> faces;
    private TestOutputTopic<String, IdentityEvent> identities;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void open(ThresholdMode threshold, GalleryIndex index) {
        metrics = new MatcherMetrics(new MetricsRegistry());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "facestream-matcher");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Clock clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
        Topology topology = MatcherTopology.build(new MatcherTopology.Spec(
                cfg, keys.masterKeys(), threshold, Tracking.perTrack(tracks), metrics, index, clock));
        driver = new TopologyTestDriver(topology, props);
        TestInputTopic<String, byte[]> gallery =
                driver.createInputTopic(Topics.GALLERY, new StringSerializer(), new ByteArraySerializer());
        TestInputTopic<String, byte[]> subjectKeys =
                driver.createInputTopic(Topics.SUBJECT_KEYS, new StringSerializer(), new ByteArraySerializer());
        faces = driver.createInputTopic(Topics.FACES, new StringSerializer(), new ByteArraySerializer());
        identities = driver.createOutputTopic(Topics.IDENTITIES, new StringDeserializer(), EventSerdes.identities());
        for (var e : List.of(new Object[] {"alice", alice}, new Object[] {"bob", bob})) {
            String id = (String) e[0];
            GalleryRecord r =
                    new GalleryRecord(id, id, List.of(new Template((float[]) e[1], id + ".jpg", QUALITY)), PACK, T0);
            subjectKeys.pipeInput(id, keys.keyBytes(id));
            gallery.pipeInput(id, keys.sealedBytes(r));
        }
    }

    private void openFixed() {
        open(ThresholdMode.fixed(THRESHOLD), MatcherTopology.newIndex(cfg));
    }

    /** Face {@code index} of frame {@code frame} on cam-3 (25 fps), its box at {@code x}, track {@code t1.<index>}. */
    private void observe(long frame, int index, float x, float[] embedding, String pack) {
        observe(frame, index, x, embedding, pack, "cam-3/t1." + index);
    }

    /** As above on worker track {@code track} (its shots counted here, as the worker does). */
    private void observe(long frame, int index, float x, float[] embedding, String pack, String track) {
        faces.pipeInput(
                "cam-3",
                EventSerdes.faces().serialize(Topics.FACES, observation(frame, index, x, embedding, pack, track)));
    }

    private FaceObservation observation(long frame, int index, float x, float[] embedding, String pack, String track) {
        Instant at = T0.plusMillis(frame * 40);
        float[] landmarks = {x + 30, 160, x + 70, 160, x + 50, 185, x + 34, 210, x + 66, 210};
        FaceObservation o = new FaceObservation(
                FaceObservation.idOf("cam-3", frame, index),
                "cam-3",
                frame,
                index,
                at,
                at,
                1280,
                720,
                new BoundingBox(x, 120, 96, 118),
                landmarks,
                QUALITY,
                embedding,
                pack,
                null);
        if (track == null) {
            return o;
        }
        Instant first = firstSeen.computeIfAbsent(track, t -> at);
        int shot = shots.merge(track, 1, Integer::sum);
        return o.withTrack(new FaceTrack(track, first, (int) frame, shot, FaceTrack.Reason.EVERY_FACE, 0.8));
    }

    @Test
    void decidesATrackWhenItStartsAndAgainEachTimeItsEvidenceDoubles() {
        openFixed();
        for (long frame = 1; frame <= 8; frame++) {
            observe(frame, 0, 100 + frame * 4, Embeddings.atCosine(alice, 0.8, random), PACK);
            observe(frame, 1, 700 - frame * 4, Embeddings.atCosine(bob, 0.8, random), PACK);
        }
        List<IdentityEvent> events = identities.readValuesToList();

        // evidence 0.9 per face: decisions at 0.9, 1.8 (x2), 3.6 (x2), 7.2 (x2) = frames 1, 2, 4, 8, per person
        assertThat(events)
                .extracting(IdentityEvent::id)
                .containsExactly(
                        "cam-3/1/0",
                        "cam-3/1/1",
                        "cam-3/2/0",
                        "cam-3/2/1",
                        "cam-3/4/0",
                        "cam-3/4/1",
                        "cam-3/8/0",
                        "cam-3/8/1");
        assertThat(events)
                .extracting(e -> e.track().trackId())
                .containsExactly(
                        "cam-3/t1.0",
                        "cam-3/t1.1",
                        "cam-3/t1.0",
                        "cam-3/t1.1",
                        "cam-3/t1.0",
                        "cam-3/t1.1",
                        "cam-3/t1.0",
                        "cam-3/t1.1");
        assertThat(events).extracting(e -> e.track().decision()).containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
        assertThat(events)
                .extracting(IdentityEvent::subjectId)
                .containsExactly("alice", "bob", "alice", "bob", "alice", "bob", "alice", "bob");
        IdentityEvent last = events.get(6);
        assertThat(last.track().observations()).isEqualTo(8);
        assertThat(last.track().evidence()).isCloseTo(7.2, org.assertj.core.api.Assertions.within(1e-5));
        assertThat(last.track().firstSeen()).isEqualTo(T0.plusMillis(40));
        // eight noisy views fused: the track is far closer to alice than any single view (0.8)
        assertThat(last.score()).isGreaterThan(0.95);
        assertThat(metrics.trackedFaces()).isEqualTo(16 - 8);
        assertThat(metrics.matches()).isEqualTo(8);
    }

    @Test
    void aTrackOfWeakViewsIsIdentifiedOnceItsFusedEvidenceIsEnough() {
        openFixed();
        // alice as this camera sees her (cosine 0.45 to her enrollment photo); each frame is a noisy view of
        // that (0.7), about 0.31 to alice, below the threshold 0.35; fusing views averages the noise out
        float[] seen = Embeddings.atCosine(alice, 0.45, random);
        for (long frame = 1; frame <= 8; frame++) {
            observe(frame, 0, 100 + frame * 2, Embeddings.atCosine(seen, 0.7, random), PACK);
        }
        List<IdentityEvent> events = identities.readValuesToList();

        assertThat(events).extracting(e -> e.track().decision()).containsExactly(1, 2, 3, 4);
        assertThat(events.get(0).subjectId()).as("one weak view: unknown").isNull();
        assertThat(events.get(0).score()).isBetween(0.2, 0.35);
        assertThat(events.get(3).subjectId()).as("eight views fused: alice").isEqualTo("alice");
        assertThat(events.get(3).score()).isBetween(0.38, 0.45);
        assertThat(events).extracting(e -> e.track().trackId()).containsOnly("cam-3/t1.0");
    }

    @Test
    void followsTheWorkersTracksAndDropsTracksSilentForLongerThanTheRetention() {
        openFixed();
        observe(1, 0, 100, alice, PACK, "cam-3/t1.0");
        observe(2, 0, 100, bob, PACK, "cam-3/t2.0"); // same place: the worker says another track, so it is
        observe(300, 0, 100, bob, PACK, "cam-3/t300.0"); // 11.96 s later: both earlier tracks were retained 10 s
        assertThat(identities.readValuesToList())
                .extracting(e -> e.track().trackId() + "=" + e.subjectId())
                .containsExactly("cam-3/t1.0=alice", "cam-3/t2.0=bob", "cam-3/t300.0=bob");
        KeyValueStore<String, CameraTracks> store = driver.getKeyValueStore(MatcherTopology.TRACK_BY_CAMERA);
        assertThat(store.get("cam-3").tracks())
                .extracting(t -> t.track().trackId())
                .containsExactly("cam-3/t300.0");
        assertThat(store.get("cam-3").startedTracks()).isEqualTo(3);
    }

    @Test
    void anObservationWithoutATrackIsDecidedOnItsOwn() {
        openFixed();
        faces.pipeInput(
                "cam-3", EventSerdes.faces().serialize(Topics.FACES, observation(1, 0, 100, alice, PACK, null)));
        List<IdentityEvent> events = identities.readValuesToList();
        assertThat(events).extracting(IdentityEvent::subjectId).containsExactly("alice");
        assertThat(events.get(0).track()).isNull();
        KeyValueStore<String, CameraTracks> store = driver.getKeyValueStore(MatcherTopology.TRACK_BY_CAMERA);
        assertThat(store.get("cam-3")).isNull();
    }

    @Test
    void theTrackStoreIsChangeloggedSoARestartedTaskContinuesItsTracks() {
        openFixed();
        observe(1, 0, 100, Embeddings.atCosine(alice, 0.8, random), PACK);
        observe(2, 0, 104, Embeddings.atCosine(alice, 0.8, random), PACK);
        observe(3, 0, 108, Embeddings.atCosine(alice, 0.8, random), PACK);
        assertThat(identities.readValuesToList()).hasSize(2);
        // what a restarted or migrated task restores: the last changelog record of the camera
        var changelog = driver.createOutputTopic(
                        "facestream-matcher-" + MatcherTopology.TRACK_BY_CAMERA + "-changelog",
                        new StringDeserializer(),
                        MatcherTopology.cameraTracksSerde().deserializer())
                .readKeyValuesToMap();
        CameraTracks restored = changelog.get("cam-3");
        assertThat(restored.tracks()).hasSize(1);
        assertThat(restored.tracks().get(0).track().observations()).isEqualTo(3);

        FaceObservation next = observation(4, 0, 112, Embeddings.atCosine(alice, 0.8, random), PACK, "cam-3/t1.0");
        var resumed = new TrackFusion(tracks).fuse(restored, next);
        assertThat(resumed.started()).isFalse();
        assertThat(resumed.track().trackId()).isEqualTo("cam-3/t1.0");
        assertThat(resumed.decide()).isTrue(); // evidence 3.6 = 2 x 1.8: the third decision, as without a restart
        assertThat(resumed.decision()).isEqualTo(3);
    }

    @Test
    void badFacesAreDeadLetteredWithoutTouchingATrack() {
        openFixed();
        TestOutputTopic<byte[], byte[]> deadLetters =
                driver.createOutputTopic(Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        observe(1, 0, 100, alice, PACK);
        observe(2, 0, 100, alice, "scrfd-arcface-r50");
        observe(3, 0, 100, new float[128], PACK);
        observe(4, 0, 100, alice, PACK);

        var letters = deadLetters.readRecordsToList();
        assertThat(letters)
                .extracting(r -> DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON))
                .containsExactly(
                        DeadLetters.Reason.MODEL_PACK_MISMATCH.code(),
                        DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH.code());
        KeyValueStore<String, CameraTracks> store = driver.getKeyValueStore(MatcherTopology.TRACK_BY_CAMERA);
        assertThat(store.get("cam-3").tracks()).hasSize(1);
        assertThat(store.get("cam-3").tracks().get(0).track().observations()).isEqualTo(2);
        assertThat(identities.readValuesToList())
                .extracting(e -> e.track().decision())
                .containsExactly(1, 2);
    }

    @Test
    void onlyATracksFirstDecisionFeedsTheAdaptiveEstimator() {
        float[][] cohort = new float[20][];
        for (int i = 0; i < cohort.length; i++) {
            cohort[i] = Embeddings.unit(random, D);
        }
        GalleryIndex index = MatcherTopology.newIndex(cfg);
        AdaptiveThreshold policy = new AdaptiveThreshold(
                FpirPolicy.defaults("default", 0.01), new CohortScorer(cohort), index::subjectCount);
        open(new ThresholdMode.Adaptive(policy, new NullScoreReporting("matcher-a", Duration.ofSeconds(10))), index);
        TestOutputTopic<String, NullScoreReport> reports =
                driver.createOutputTopic(Topics.NULL_SCORES, new StringDeserializer(), EventSerdes.nullScores());
        for (long frame = 1; frame <= 4; frame++) { // one track, decided at frames 1, 2 and 4
            observe(frame, 0, 100 + frame * 4, Embeddings.atCosine(alice, 0.8, random), PACK);
        }
        observe(5, 1, 700, Embeddings.atCosine(bob, 0.8, random), PACK); // a second track

        assertThat(identities.readValuesToList())
                .extracting(e -> e.track().trackId() + "#" + e.track().decision())
                .containsExactly("cam-3/t1.0#1", "cam-3/t1.0#2", "cam-3/t1.0#3", "cam-3/t1.1#1");
        driver.advanceWallClockTime(Duration.ofSeconds(11));
        // two tracks, two null scores each (the cohort's halves in both roles): per track, not per frame or decision
        assertThat(NullScoreReports.count(reports.readRecord().value())).isEqualTo(4);
    }
}
