package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.BoundingBox;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.NullScoreReport;
import org.facestream.events.Template;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.NullScoreReports;
import org.facestream.match.threshold.NullScoreSketch;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.BadBytes;
import org.facestream.testing.Embeddings;
import org.facestream.testing.GalleryKeys;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The threshold aggregator and the adaptive matcher on {@link TopologyTestDriver} (EOS v2, RocksDB). */
class ThresholdTopologyTest {
    private static final String PACK = "yunet-mobilefacenet-512";
    private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
    private static final FaceQuality QUALITY = new FaceQuality(0.93f, 58, 140, -4, 2, 22.5f);
    private static final FpirPolicy POLICY = FpirPolicy.defaults("default", 0.01);

    @TempDir
    Path stateDir;

    private Properties props(String app) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    /** {@code n} residual null scores ~ N(0.1, 0.05), each probe with smooth-max 0.2. */
    private static NullScoreSketch sketch(long seed, int n) {
        Random r = new Random(seed);
        NullScoreSketch s = new NullScoreSketch();
        for (int i = 0; i < n; i++) {
            s.add(0.1 + 0.05 * r.nextGaussian(), 0.2);
        }
        return s;
    }

    private static byte[] report(String instance, NullScoreSketch sketch, Instant at) {
        return EventSerdes.nullScores()
                .serialize(Topics.NULL_SCORES, NullScoreReports.of(instance, "default", 1, 150, 30, sketch, 0, at));
    }

    @Test
    void publishesVersionedThresholdFromMergedInstanceSketches() {
        ThresholdMetrics metrics = new ThresholdMetrics(new MetricsRegistry());
        var cfg = new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ThresholdAggregatorTopology.build(cfg, metrics), props("facestream-thresholds"))) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic(Topics.NULL_SCORES, new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, ThresholdState> out =
                    driver.createOutputTopic(Topics.THRESHOLDS, new StringDeserializer(), EventSerdes.thresholds());

            in.pipeInput("matcher-a", report("matcher-a", sketch(1, 12_000), T0));
            in.pipeInput("matcher-b", report("matcher-b", sketch(2, 12_000), T0.plusSeconds(10)));
            in.pipeInput("matcher-c", "not json".getBytes(StandardCharsets.UTF_8));
            // matcher-a again, older than its stored window: ignored
            in.pipeInput("matcher-a", report("matcher-a", sketch(3, 500), T0.minusSeconds(60)));

            List<TestRecord<String, ThresholdState>> states = out.readRecordsToList();
            assertThat(states).hasSize(2);
            ThresholdState first = states.get(0).value();
            ThresholdState second = states.get(1).value();
            assertThat(states.get(0).key()).isEqualTo("default");
            assertThat(first.version()).isEqualTo(1);
            assertThat(second.version()).isEqualTo(2);
            assertThat(first.samples()).isEqualTo(12_000);
            assertThat(second.samples()).isEqualTo(24_000);
            // level (0.99)^(30/150) = 0.99799; q(N(0.1, 0.05)) there ≈ 0.244; plus β·n̄ = 0.2
            assertThat(second.level()).isCloseTo(0.99799, within(1e-5));
            assertThat(second.value()).isCloseTo(0.444, within(0.02));
            assertThat(second.meanSmoothMax()).isCloseTo(0.2, within(1e-9));
            assertThat(metrics.reportsAccepted()).isEqualTo(2);
            assertThat(metrics.reportsSkipped()).isEqualTo(2);
            assertThat(metrics.publications()).isEqualTo(2);
        }
    }

    @Test
    void dropsInstancesSilentForLongerThanStaleAfter() {
        var cfg = new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys());
        try (TopologyTestDriver driver =
                new TopologyTestDriver(ThresholdAggregatorTopology.build(cfg), props("facestream-thresholds"))) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic(Topics.NULL_SCORES, new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, ThresholdState> out =
                    driver.createOutputTopic(Topics.THRESHOLDS, new StringDeserializer(), EventSerdes.thresholds());
            in.pipeInput("matcher-a", report("matcher-a", sketch(1, 12_000), T0));
            in.pipeInput("matcher-b", report("matcher-b", sketch(2, 8_000), T0.plus(Duration.ofMinutes(6))));
            List<ThresholdState> states = out.readValuesToList();
            assertThat(states).extracting(ThresholdState::samples).containsExactly(12_000L, 8_000L);
        }
    }

    @Test
    void identityEventsCarryThePublishedThresholdVersionAndReportsFlowToTheAggregator() {
        Random random = new Random(5);
        int d = Embeddings.DIMENSION;
        float[][] cohort = new float[20][];
        for (int i = 0; i < cohort.length; i++) {
            cohort[i] = Embeddings.unit(random, d);
        }
        MatcherConfig cfg = MatcherConfig.of(PACK);
        GalleryIndex index = MatcherTopology.newIndex(cfg);
        AdaptiveThreshold policy = new AdaptiveThreshold(POLICY, new CohortScorer(cohort), index::subjectCount);
        GalleryKeys keys = new GalleryKeys();
        var topology = MatcherTopology.build(MatcherTopology.Spec.of(
                        cfg,
                        keys.masterKeys(),
                        new ThresholdMode.Adaptive(policy, new NullScoreReporting("matcher-a", Duration.ofSeconds(10))))
                .withIndex(index)
                .withClock(Clock.fixed(T0, ZoneOffset.UTC)));
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props("facestream-matcher"))) {
            TestInputTopic<String, byte[]> gallery =
                    driver.createInputTopic(Topics.GALLERY, new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> subjectKeys =
                    driver.createInputTopic(Topics.SUBJECT_KEYS, new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, ThresholdState> thresholds =
                    driver.createInputTopic(Topics.THRESHOLDS, new StringSerializer(), EventSerdes.thresholds());
            TestInputTopic<String, byte[]> faces =
                    driver.createInputTopic(Topics.FACES, new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, IdentityEvent> identities =
                    driver.createOutputTopic(Topics.IDENTITIES, new StringDeserializer(), EventSerdes.identities());
            TestOutputTopic<String, NullScoreReport> reports =
                    driver.createOutputTopic(Topics.NULL_SCORES, new StringDeserializer(), EventSerdes.nullScores());

            float[] alice = Embeddings.unit(random, d);
            float[] bob = Embeddings.unit(random, d);
            for (var e : List.of(new Object[] {"alice", alice}, new Object[] {"bob", bob})) {
                String id = (String) e[0];
                GalleryRecord r = new GalleryRecord(
                        id, id, List.of(new Template((float[]) e[1], id + ".jpg", QUALITY)), PACK, T0);
                subjectKeys.pipeInput(id, keys.keyBytes(id));
                gallery.pipeInput(id, keys.sealedBytes(r));
            }

            // Before any publication: the initial threshold 0.4, version 0.
            observe(faces, 1, Embeddings.atCosine(alice, 0.38, random));
            IdentityEvent before = identities.readValue();
            assertThat(before.threshold().policy()).isEqualTo("adaptive-fpir");
            assertThat(before.threshold().version()).isZero();
            assertThat(before.threshold().cosine()).isEqualTo(0.4);
            assertThat(before.subjectId()).isNull();

            // Published: τ = 0.30 at n̄ = 0.10; the probe is held to τ + (n_q - n̄), n_q its cohort smooth-max.
            ThresholdState published = new ThresholdState(
                    "default", 0.30, 0.30, 7, 0.01, 0.998, 2, 10, 20_000, 0.10, 1.0, ThresholdState.EMPIRICAL, T0);
            thresholds.pipeInput("default", published);
            float[] probe = Embeddings.atCosine(alice, 0.5, random);
            observe(faces, 2, probe);
            IdentityEvent after = identities.readValue();
            // n_q: the guard half's smooth-max without its top identity (issue 12)
            double smoothMax = new CohortScorer(cohort)
                    .score(probe, null, POLICY.contamination())
                    .smoothMax();
            assertThat(smoothMax).isBetween(0.05, 0.2); // 9 near-orthogonal identities: max ~0.07 + log(9)/32
            assertThat(after.threshold().version()).isEqualTo(7);
            assertThat(after.threshold().cosine()).isCloseTo(0.30 + smoothMax - 0.10, within(1e-9));
            assertThat(after.subjectId()).isEqualTo("alice");
            // A replayed older version does not move the threshold back.
            thresholds.pipeInput(
                    "default",
                    new ThresholdState(
                            "default",
                            0.60,
                            0.60,
                            6,
                            0.01,
                            0.998,
                            2,
                            10,
                            20_000,
                            0.02,
                            1.0,
                            ThresholdState.EMPIRICAL,
                            T0));
            observe(faces, 3, Embeddings.atCosine(bob, 0.5, random));
            assertThat(identities.readValue().threshold().version()).isEqualTo(7);

            driver.advanceWallClockTime(Duration.ofSeconds(11));
            TestRecord<String, NullScoreReport> report = reports.readRecord();
            assertThat(report.key()).isEqualTo("matcher-a");
            // two null scores per probe: the cohort's halves in both roles
            assertThat(NullScoreReports.count(report.value())).isEqualTo(6);
            assertThat(report.value().galleryN()).isEqualTo(2);
            assertThat(report.value().cohortK()).isEqualTo(10);
        }
    }

    /** Bad null-score reports and threshold states: skipped and counted, and the threshold goes on. */
    @Nested
    @Tag("fault")
    class BadInput {
        @Test
        void aggregatorSkipsAndCountsEveryBadNullScoreReportAndKeepsPublishing() {
            ThresholdMetrics metrics = new ThresholdMetrics(new MetricsRegistry());
            var cfg = new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys());
            try (TopologyTestDriver driver = new TopologyTestDriver(
                    ThresholdAggregatorTopology.build(cfg, metrics), props("facestream-thresholds"))) {
                TestInputTopic<String, byte[]> in =
                        driver.createInputTopic(Topics.NULL_SCORES, new StringSerializer(), new ByteArraySerializer());
                TestOutputTopic<String, ThresholdState> out =
                        driver.createOutputTopic(Topics.THRESHOLDS, new StringDeserializer(), EventSerdes.thresholds());
                in.pipeInput("matcher-a", report("matcher-a", sketch(1, 12_000), T0));
                assertThat(out.readValue().version()).isEqualTo(1);

                byte[] valid = report("matcher-b", sketch(2, 300), T0.plusSeconds(1));
                List<BadBytes.Input> bad = new java.util.ArrayList<>(BadBytes.around(valid, 11, 100, 100));
                bad.addAll(BadBytes.jsonMutations(valid));
                // readable reports that must not be merged: a sketch of another size, a NaN smooth-max sum
                NullScoreSketch small = new NullScoreSketch(16);
                small.add(0.1, 0.2);
                bad.add(new BadBytes.Input(
                        "a 16-bin sketch",
                        EventSerdes.nullScores()
                                .serialize(
                                        Topics.NULL_SCORES,
                                        NullScoreReports.of(
                                                "matcher-b", "default", 1, 150, 30, small, 0, T0.plusSeconds(1)))));
                byte[] nan = sketch(3, 50).toBytes();
                java.nio.ByteBuffer.wrap(nan).putDouble(13, Double.NaN);
                bad.add(new BadBytes.Input(
                        "a NaN smooth-max sum",
                        new String(valid, StandardCharsets.UTF_8)
                                .replaceFirst(
                                        "\"sketch\":\"[^\"]*\"",
                                        "\"sketch\":\""
                                                + java.util.Base64.getEncoder().encodeToString(nan) + "\"")
                                .getBytes(StandardCharsets.UTF_8)));
                long acceptedBefore = metrics.reportsAccepted();
                int readable = 0;
                for (BadBytes.Input b : bad) {
                    in.pipeInput("matcher-b", b.bytes());
                }
                // some mutations are still valid reports (an optional field removed, a flipped digit of a count): they
                // merge
                for (TestRecord<String, ThresholdState> r : out.readRecordsToList()) {
                    readable++;
                    assertThat(r.value().samples()).isGreaterThanOrEqualTo(12_000);
                }
                assertThat(metrics.reportsAccepted() - acceptedBefore).isEqualTo(readable);
                assertThat(metrics.reportsSkipped()).isEqualTo(bad.size() - readable);
                assertThat(metrics.reportsSkipped()).isGreaterThan(bad.size() * 3 / 4);

                in.pipeInput("matcher-c", report("matcher-c", sketch(4, 12_000), T0.plusSeconds(2)));
                ThresholdState after = out.readValue();
                assertThat(after.version()).isEqualTo(2 + readable);
                assertThat(after.samples()).isGreaterThanOrEqualTo(24_000);
                assertThat(after.meanSmoothMax()).isCloseTo(0.2, within(1e-6));
            }
        }

        @Test
        void matcherKeepsTheLastPublishedThresholdThroughBadThresholdStates() {
            Random random = new Random(12);
            float[][] cohort = new float[20][];
            for (int i = 0; i < cohort.length; i++) {
                cohort[i] = Embeddings.unit(random, Embeddings.DIMENSION);
            }
            MatcherConfig cfg = MatcherConfig.of(PACK);
            GalleryIndex index = MatcherTopology.newIndex(cfg);
            AdaptiveThreshold policy = new AdaptiveThreshold(POLICY, new CohortScorer(cohort), index::subjectCount);
            var topology = MatcherTopology.build(MatcherTopology.Spec.of(
                            cfg,
                            MasterKeys.ephemeral(),
                            new ThresholdMode.Adaptive(
                                    policy, new NullScoreReporting("matcher-a", Duration.ofSeconds(10))))
                    .withIndex(index)
                    .withClock(Clock.fixed(T0, ZoneOffset.UTC)));
            try (TopologyTestDriver driver = new TopologyTestDriver(topology, props("facestream-matcher"))) {
                TestInputTopic<String, byte[]> thresholds =
                        driver.createInputTopic(Topics.THRESHOLDS, new StringSerializer(), new ByteArraySerializer());
                TestInputTopic<String, byte[]> faces =
                        driver.createInputTopic(Topics.FACES, new StringSerializer(), new ByteArraySerializer());
                TestOutputTopic<String, IdentityEvent> identities =
                        driver.createOutputTopic(Topics.IDENTITIES, new StringDeserializer(), EventSerdes.identities());
                byte[] good = EventSerdes.thresholds()
                        .serialize(
                                Topics.THRESHOLDS,
                                new ThresholdState(
                                        "default",
                                        0.30,
                                        0.30,
                                        7,
                                        0.01,
                                        0.998,
                                        2,
                                        10,
                                        20_000,
                                        0.10,
                                        1.0,
                                        ThresholdState.EMPIRICAL,
                                        T0));
                thresholds.pipeInput("default", good);
                List<BadBytes.Input> bad = new java.util.ArrayList<>(BadBytes.around(good, 13, 100, 100));
                bad.addAll(BadBytes.jsonMutations(good));
                for (BadBytes.Input b : bad) {
                    thresholds.pipeInput("default", b.bytes());
                }
                observe(faces, 1, Embeddings.unit(random, Embeddings.DIMENSION));
                IdentityEvent e = identities.readValue();
                // a flipped byte may still read as a valid state; only a newer version could replace version 7
                assertThat(e.threshold().version()).isGreaterThanOrEqualTo(7);
                assertThat(e.threshold().policy()).isEqualTo("adaptive-fpir");
                assertThat(policy.current().version()).isEqualTo(e.threshold().version());
            }
        }
    }

    private static void observe(TestInputTopic<String, byte[]> faces, long seq, float[] embedding) {
        float[] landmarks = {440, 160, 480, 160, 460, 185, 444, 210, 476, 210};
        FaceObservation o = new FaceObservation(
                FaceObservation.idOf("cam-3", seq, 0),
                "cam-3",
                seq,
                0,
                T0,
                T0,
                1280,
                720,
                new BoundingBox(410, 120, 96, 118),
                landmarks,
                QUALITY,
                embedding,
                PACK,
                null);
        faces.pipeInput("cam-3", EventSerdes.faces().serialize(Topics.FACES, o));
    }
}
