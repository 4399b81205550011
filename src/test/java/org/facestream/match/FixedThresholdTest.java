package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.facestream.events.FaceQuality;
import org.facestream.events.ThresholdRef;
import org.facestream.gallery.Ranking;
import org.facestream.gallery.SubjectScore;
import org.junit.jupiter.api.Test;

class FixedThresholdTest {
    private static final FaceQuality QUALITY = new FaceQuality(0.9f, 50, 100, 0, 0, 20);
    private final FixedThreshold policy = new FixedThreshold(0.35);

    private static Ranking ranking(double best, double second) {
        return new Ranking(List.of(new SubjectScore("alice", best), new SubjectScore("bob", second)), second, 7, 2, 3);
    }

    @Test
    void matchesTheBestSubjectAtOrAboveTheThreshold() {
        Decision above = policy.decide(ranking(0.61, 0.12), QUALITY);
        Decision equal = policy.decide(ranking(0.35, 0.12), QUALITY);

        assertThat(above).isEqualTo(new Decision("alice", 0.61, new ThresholdRef(0.35, 0, "fixed")));
        assertThat(equal.subjectId()).isEqualTo("alice");
        assertThat(equal.isMatch()).isTrue();
    }

    @Test
    void isUnknownBelowTheThresholdButKeepsTheBestScore() {
        Decision below = policy.decide(ranking(0.3499, 0.2), QUALITY);

        assertThat(below.subjectId()).isNull();
        assertThat(below.score()).isEqualTo(0.3499);
        assertThat(below.threshold()).isEqualTo(new ThresholdRef(0.35, 0, "fixed"));
    }

    @Test
    void isUnknownWithScoreMinusOneForAnEmptyGallery() {
        Decision d = policy.decide(Ranking.empty(0), QUALITY);

        assertThat(d.subjectId()).isNull();
        assertThat(d.score()).isEqualTo(-1);
    }

    @Test
    void rejectsAThresholdOutsideTheCosineRange() {
        assertThatThrownBy(() -> new FixedThreshold(1.5)).hasMessage("expected threshold cosine in [-1, 1], found 1.5");
    }
}
