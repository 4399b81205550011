package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.DeadLetters;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.track.TrackFusion;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matcher service's spec as the configuration describes it, and its series: every one exported when the
 * service is built, before anything is read (the service is built here, never started, so no broker).
 */
class MatcherServiceTest {
    private static final Supplier<Optional<CohortScorer>> NO_COHORT_WANTED = () -> {
        throw new AssertionError("the fixed threshold must not load a cohort");
    };

    @TempDir
    Path dir;

    private FaceStreamConfig config(Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(keys);
        all.put(FaceStreamConfig.BOOTSTRAP, "localhost:9"); // nothing listens: the service is never started
        all.put(FaceStreamConfig.STATE_DIR, dir.resolve("state").toString());
        return FaceStreamConfig.load(null, Map.of(), all);
    }

    private static CohortScorer cohort() {
        return new CohortScorer(new float[][] {{1, 0}, {0, 1}, {0.6f, 0.8f}, {0.8f, -0.6f}});
    }

    @Test
    void theDefaultConfigurationIsThePacksFixedThresholdDecidingEveryFace() {
        FaceStreamConfig cfg = config(Map.of());
        MatcherService.Spec spec = MatcherService.Spec.from(cfg, "m-1", NO_COHORT_WANTED);

        var pack = VisionSetup.pack(cfg);
        assertThat(spec.matcher()).isEqualTo(new MatcherConfig(5, pack.id(), pack.embeddingDimension(), false));
        assertThat(spec.threshold()).isEqualTo(new ThresholdSettings.Fixed(VisionSetup.threshold(cfg)));
        assertThat(spec.tracking()).isEqualTo(Tracking.PER_FACE);
        assertThat(spec.stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(spec.instanceId()).isEqualTo("m-1");
        assertThat(spec.kafkaSettings()).containsEntry("bootstrap.servers", "localhost:9");
    }

    @Test
    void adaptiveFpirWithTracksTakesTheTargetTheCohortAndTheTrackSettings() {
        CohortScorer cohort = cohort();
        MatcherService.Spec spec = MatcherService.Spec.from(
                config(Map.of(
                        FaceStreamConfig.THRESHOLD_POLICY,
                        "adaptive-fpir",
                        FaceStreamConfig.TARGET_FPIR,
                        "0.002",
                        FaceStreamConfig.TRACKS,
                        "true",
                        FaceStreamConfig.MATCH_TOP_K,
                        "7")),
                "m-1",
                () -> Optional.of(cohort));

        assertThat(spec.threshold())
                .isEqualTo(new ThresholdSettings.AdaptiveFpir(
                        FpirPolicy.defaults(FpirPolicy.POLICY, 0.002), Optional.of(cohort), Duration.ofSeconds(5)));
        assertThat(spec.tracking()).isEqualTo(Tracking.perTrack(TrackFusion.Config.defaults()));
        assertThat(spec.matcher().topK()).isEqualTo(7);
    }

    @Test
    void aFixedMatcherExportsEveryCounterAtZeroAndItsThresholdBeforeReadingAnything() {
        MetricsRegistry registry = new MetricsRegistry();
        try (MatcherService service = new MatcherService(
                MatcherService.Spec.from(
                        config(Map.of(FaceStreamConfig.MATCH_THRESHOLD, "0.42")), "m-1", NO_COHORT_WANTED),
                MasterKeys.ephemeral(),
                TestAuditKeys.keys(),
                registry)) {
            assertThat(service.adaptive()).isNull();
            String text = registry.prometheusText();
            for (DeadLetters.Reason r : MatcherMetrics.OBSERVATION_REASONS) {
                assertThat(text).contains("facestream_deadletter_total{reason=\"" + r.code() + "\"} 0\n");
            }
            for (DeadLetters.Reason r : MatcherMetrics.GALLERY_REASONS) {
                assertThat(text).contains("facestream_matcher_gallery_skipped_total{reason=\"" + r.code() + "\"} 0\n");
            }
            for (String counter : List.of(
                    "matcher_observations_total",
                    "matcher_matches_total",
                    "matcher_unknowns_total",
                    "matcher_tracked_faces_total",
                    "matcher_deadletters_total",
                    "matcher_keys_destroyed_total",
                    "matcher_gallery_upserts_total",
                    "matcher_gallery_erasures_total",
                    "matcher_key_upserts_total",
                    "matcher_search_compressed_total",
                    "matcher_search_fp32_rescans_total")) {
                assertThat(text).contains("# TYPE facestream_" + counter + " counter\nfacestream_" + counter + " 0\n");
            }
            for (String gauge :
                    List.of("matcher_gallery_subjects", "matcher_gallery_templates", "matcher_gallery_awaiting_key")) {
                assertThat(text).contains("# TYPE facestream_" + gauge + " gauge\nfacestream_" + gauge + " 0.0\n");
            }
            assertThat(text)
                    .contains("facestream_matcher_threshold_cosine 0.42\n")
                    .doesNotContain("threshold_version");
            assertEverySeriesHasOneType(text);
            assertThat(registry.byLabel("deadletter_total"))
                    .as("series at zero are not counts")
                    .isEmpty();
        }
    }

    @Test
    void anAdaptiveMatcherExportsTheAggregatorsCountersAndItsThresholdVersionBeforeReadingAnything() {
        MetricsRegistry registry = new MetricsRegistry();
        CohortScorer cohort = cohort();
        try (MatcherService service = new MatcherService(
                MatcherService.Spec.from(
                        config(Map.of(FaceStreamConfig.THRESHOLD_POLICY, "adaptive-fpir")),
                        "m-1",
                        () -> Optional.of(cohort)),
                MasterKeys.ephemeral(),
                TestAuditKeys.keys(),
                registry)) {
            assertThat(service.adaptive().cohortK()).isEqualTo(cohort.nullIdentities());
            String text = registry.prometheusText();
            for (String counter : List.of(
                    "threshold_reports_accepted_total",
                    "threshold_reports_skipped_total",
                    "threshold_publications_total",
                    "threshold_large_moves_total",
                    "threshold_audit_records_total",
                    "matcher_threshold_large_moves_total")) {
                assertThat(text).contains("# TYPE facestream_" + counter + " counter\nfacestream_" + counter + " 0\n");
            }
            assertThat(text)
                    .contains("facestream_matcher_threshold_cosine "
                            + service.adaptive().policy().initial() + "\n")
                    .contains("facestream_matcher_threshold_version 0.0\n");
            assertEverySeriesHasOneType(text);
        }
    }

    /** No name is exported both as a counter and as a gauge. */
    private static void assertEverySeriesHasOneType(String text) {
        Map<String, List<String>> types = Arrays.stream(text.split("\n"))
                .filter(l -> l.startsWith("# TYPE "))
                .map(l -> l.substring("# TYPE ".length()).split(" "))
                .collect(Collectors.groupingBy(p -> p[0], Collectors.mapping(p -> p[1], Collectors.toList())));
        types.forEach((name, t) -> assertThat(t).as(name).hasSize(1));
    }
}
