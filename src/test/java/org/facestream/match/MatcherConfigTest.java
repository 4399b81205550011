package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MatcherConfigTest {
    @Test
    void defaultsToTopFiveAndADimensionFromTheGallery() {
        MatcherConfig cfg = MatcherConfig.of("yunet-mobilefacenet-512");

        assertThat(cfg.topK()).isEqualTo(5);
        assertThat(cfg.dimension()).isZero();
        assertThat(cfg.includeEmbeddings()).isFalse();
        assertThat(MatcherTopology.newIndex(cfg.withDimension(512)).dimension()).isEqualTo(512);
    }

    @Test
    void rejectsInvalidSettingsWithExpectedFoundMessages() {
        assertThatThrownBy(() -> new MatcherConfig(0, "p", 0, false)).hasMessage("expected topK in [1, 100], found 0");
        assertThatThrownBy(() -> ThresholdMode.fixed(1.2))
                .hasMessage("expected threshold cosine in [-1, 1], found 1.2");
        assertThatThrownBy(() -> new ThresholdSettings.Fixed(1.2))
                .hasMessage("expected threshold cosine in [-1, 1], found 1.2");
        assertThatThrownBy(() -> new MatcherConfig(5, " ", 0, false))
                .hasMessage("expected a modelPackId, found a blank string");
        assertThatThrownBy(() -> new MatcherConfig(5, "p", 512, true))
                .hasMessage("expected includeEmbeddings false (identity events v1 carry no embedding), found true");
    }
}
