package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.facestream.events.EventSerdes;
import org.facestream.events.NullScoreReport;
import org.facestream.events.Topics;
import org.facestream.events.WireFixtures;
import org.junit.jupiter.api.Test;

class NullScoreReportsTest {
    private static final Instant AT = Instant.parse("2025-03-01T12:00:00Z");

    private static NullScoreSketch threeScores() {
        NullScoreSketch s = new NullScoreSketch();
        s.add(0.1, 0.2);
        s.add(0.3, 0.25);
        s.add(-0.5, 0.125);
        return s;
    }

    @Test
    void aReportOfASketchIsTheV1Json() {
        NullScoreReport r = NullScoreReports.of("matcher-1", "default", 4, 150, 160, 30, 31, threeScores(), 2, AT);
        assertThat(new String(EventSerdes.nullScores().serialize(Topics.NULL_SCORES, r), StandardCharsets.UTF_8))
                .isEqualTo(WireFixtures.NULL_SCORE_REPORT_V1);
    }

    @Test
    void theSketchOfAReportIsTheSketchItWasMadeOf() {
        NullScoreReport read = EventSerdes.nullScores()
                .deserialize(Topics.NULL_SCORES, WireFixtures.NULL_SCORE_REPORT_V1.getBytes(StandardCharsets.UTF_8));
        NullScoreSketch back = NullScoreReports.sketch(read);
        assertThat(back).isEqualTo(threeScores());
        assertThat(back.count()).isEqualTo(3);
        assertThat(back.meanSmoothMax()).isEqualTo((0.2 + 0.25 + 0.125) / 3);
    }

    @Test
    void aReportWithOneCountPerIdentityCountsItsTemplatesAsItsIdentities() {
        NullScoreReport r = NullScoreReports.of("matcher-1", "default", 1, 150, 30, threeScores(), 0, AT);
        assertThat(r.galleryTemplates()).isEqualTo(150);
        assertThat(r.cohortTemplates()).isEqualTo(30);
    }

    @Test
    void aSketchThatDoesNotReadIsRefusedNamingTheInstance() {
        byte[] nan = threeScores().toBytes();
        ByteBuffer.wrap(nan).putDouble(1 + 4 + 8, Double.NaN); // format, bins, total, then the smooth-max sum
        NullScoreReport r = new NullScoreReport(
                "matcher-1", "default", 1, 150, 30, Base64.getEncoder().encodeToString(nan), 0, AT, 0, 0);
        assertThatThrownBy(() -> NullScoreReports.sketch(r))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "expected a null-score sketch in the report of instance matcher-1, found one that does not read: "
                                + "expected a finite smooth-max sum, found NaN");
    }
}
