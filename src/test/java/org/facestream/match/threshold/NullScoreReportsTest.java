package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.facestream.events.CohortFlag;
import org.facestream.events.EventSerdes;
import org.facestream.events.NullScoreReport;
import org.facestream.events.NullScoreTail;
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

    @Test
    void aReportCarriesItsTailListWithTheDictionariesAndTheCountsPerIdentity() {
        List<String> names = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7");
        List<TailEntry> listed = List.of(
                new TailEntry(0.61, 0.3, 7, "cam-2", 11),
                new TailEntry(0.42, 0.25, 3, null, -4),
                new TailEntry(0.40, 0.2, 7, "cam-2", 12));
        List<TailEntry> dropped =
                List.of(new TailEntry(0.6, 0.3, 7, "cam-9", 13), new TailEntry(0.5, 0.3, 7, null, -2));
        NullScoreReport r = NullScoreReports.of(
                "matcher-1",
                "default",
                5,
                new NullScoreReports.Sizes(150, 160, 30, 31, 61, names, List.of(new CohortFlag("c5", "alice", 0.612))),
                new NullScoreWindow.Contents(threeScores(), listed, dropped, Map.of(3, 4L), true),
                0,
                AT);
        NullScoreReport read = EventSerdes.nullScores()
                .deserialize(Topics.NULL_SCORES, EventSerdes.nullScores().serialize(Topics.NULL_SCORES, r));
        assertThat(read).isEqualTo(r);
        NullScoreTail tail = read.tail();
        assertThat(tail.usableIdentities()).isEqualTo(61);
        assertThat(tail.identities()).containsExactly("c7", "c3"); // those the entries name, in order
        assertThat(tail.cameras()).containsExactly("cam-2");
        assertThat(tail.capped()).containsExactly(Map.entry("c7", 2L));
        assertThat(tail.samePerson()).containsExactly(Map.entry("c3", 4L));
        assertThat(read.flags()).containsExactly(new CohortFlag("c5", "alice", 0.612));
        assertThat(NullScoreReports.entries(read))
                .containsExactly(
                        new TailEntry(0.61, 0.3, 0, "cam-2", 0),
                        new TailEntry(0.42, 0.25, 1, null, 0),
                        new TailEntry(0.40, 0.2, 0, "cam-2", 0));
        assertThat(NullScoreReports.sketch(read)).isEqualTo(threeScores()); // the unlisted scores only
        assertThat(NullScoreReports.count(read)).isEqualTo(6);
    }

    @Test
    void aReportOfAnEarlierVersionHasNoTailAndReadsUncapped() {
        NullScoreReport read = EventSerdes.nullScores()
                .deserialize(Topics.NULL_SCORES, WireFixtures.NULL_SCORE_REPORT_V1.getBytes(StandardCharsets.UTF_8));
        assertThat(read.tail()).isNull();
        assertThat(read.flags()).isEmpty();
        assertThat(NullScoreReports.entries(read)).isEmpty();
        MergedWindow w = MergedWindow.of(List.of(read));
        assertThat(w.listed()).isFalse();
        assertThat(w.all()).isEqualTo(threeScores());
    }

    @Test
    void tailEntriesThatNameNoDictionaryEntryAreRefusedNamingTheInstance() {
        NullScoreReport r = NullScoreReports.of(
                "matcher-1",
                "default",
                5,
                new NullScoreReports.Sizes(150, 160, 30, 31, 61, List.of("a", "b"), List.of()),
                new NullScoreWindow.Contents(
                        threeScores(), List.of(new TailEntry(0.5, 0.2, 1, "cam", 0)), List.of(), Map.of(), true),
                0,
                AT);
        NullScoreTail t = r.tail();
        NullScoreReport bad = new NullScoreReport(
                r.instanceId(),
                r.policyId(),
                r.sequence(),
                r.galleryN(),
                r.cohortK(),
                r.sketch(),
                0,
                AT,
                r.galleryTemplates(),
                r.cohortTemplates(),
                new NullScoreTail(t.usableIdentities(), t.entries(), List.of(), t.cameras(), Map.of(), Map.of()),
                List.of());
        assertThatThrownBy(() -> NullScoreReports.entries(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "expected tail entries in the report of instance matcher-1, found some that do not read:")
                .hasMessageContaining("expected identity and camera indices below 0 and 1, found 0 and 0");
        assertThatThrownBy(() -> MergedWindow.of(List.of(bad))).isInstanceOf(IllegalArgumentException.class);
    }
}
