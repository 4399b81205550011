package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.Topology;
import org.facestream.crypto.MasterKeys;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of {@code topologies/matcher-adaptive.txt} and {@code topologies/threshold-aggregator.txt}
 * (see {@link MatcherTopologyDescriptionTest}; {@code -Dfacestream.updateGolden=true} rewrites them).
 */
class ThresholdTopologyDescriptionTest {
    private static final FpirPolicy POLICY = FpirPolicy.defaults("default", 0.01);

    @Test
    void adaptiveMatcherMatchesTopologiesMatcherAdaptiveTxt() throws IOException {
        MatcherConfig cfg = MatcherConfig.of("yunet-mobilefacenet-512");
        var index = MatcherTopology.newIndex(cfg);
        float[][] cohort = {{1, 0}, {0, 1}};
        var adaptive = new ThresholdMode.Adaptive(
                new AdaptiveThreshold(POLICY, new CohortScorer(cohort), index::subjectCount),
                new NullScoreReporting("matcher-1", Duration.ofSeconds(10)));
        Topology t = MatcherTopology.build(
                MatcherTopology.Spec.of(cfg, MasterKeys.ephemeral(), adaptive).withIndex(index));
        check(Path.of("topologies", "matcher-adaptive.txt"), t);
    }

    @Test
    void aggregatorMatchesTopologiesThresholdAggregatorTxt() throws IOException {
        check(
                Path.of("topologies", "threshold-aggregator.txt"),
                ThresholdAggregatorTopology.build(
                        new ThresholdAggregatorTopology.Config(POLICY, Duration.ofMinutes(5), TestAuditKeys.keys())));
    }

    private static void check(Path golden, Topology topology) throws IOException {
        String described = topology.describe().toString();
        if (Boolean.getBoolean("facestream.updateGolden")) {
            Files.writeString(golden, described, StandardCharsets.UTF_8);
        }
        String expected = Files.exists(golden) ? Files.readString(golden, StandardCharsets.UTF_8) : "";
        if (!expected.equals(described)) {
            System.err.println(
                    golden + " differs from the built topology; if intended, replace it with:\n" + described);
        }
        assertThat(described).isEqualTo(expected);
    }
}
