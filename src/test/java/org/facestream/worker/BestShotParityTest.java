package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.facestream.config.AnalysisSettings;
import org.facestream.config.VisionOptions;
import org.facestream.enroll.Enroller;
import org.facestream.events.FaceObservation;
import org.facestream.events.Frame;
import org.facestream.gallery.GalleryIndex;
import org.facestream.match.FixedThreshold;
import org.facestream.match.MatcherConfig;
import org.facestream.match.ObservationMatcher;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.testing.SharedData;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identification must not get worse when the worker embeds only a track's best shots: on every shared clip,
 * replayed as ingest sends it (5 fps, 640 px, JPEG), best-shot mode (the defaults: motion gate on) is compared
 * with every-face mode (every face of every frame, no gate), each observation decided by the matcher's own
 * {@link ObservationMatcher} at the pack's fixed threshold against a gallery of the 16 people of {@code
 * faces/people}. Per clip: the same enrolled people are identified, no subject is falsely identified that
 * every-face mode did not also falsely identify, and the first correct decision comes at most a second later,
 * per person and per track. The numbers are printed.
 */
class BestShotParityTest {
    private static final ModelPack PACK = ModelPacks.DEFAULT;
    /** Frames a person's first correct decision may come later in best-shot mode (5 fps: one second). */
    private static final int MAX_DELAY_FRAMES = 5;

    private static FaceAnalyzer frames;
    private static ObservationMatcher matcher;

    @BeforeAll
    static void open() throws IOException {
        GalleryIndex index = new GalleryIndex(PACK.embeddingDimension());
        try (FaceAnalyzer portraits = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK))) {
            Enroller enroller = new Enroller(portraits);
            try (Stream<Path> people = Files.list(SharedData.faces().resolve("people"))) {
                for (Path person : people.filter(Files::isDirectory).sorted().toList()) {
                    try (Stream<Path> photos = Files.list(person)) {
                        index.upsert(enroller.enroll(
                                person.getFileName().toString(),
                                photos.filter(Files::isRegularFile).sorted().toList()));
                    }
                }
            }
        }
        matcher = new ObservationMatcher(
                MatcherConfig.of(PACK.id()), new FixedThreshold(PACK.defaultCosineThreshold()), index);
        // camera frames as the worker analyses them: 640 px at most, never upscaled, weak detections for the tracker
        frames = FaceAnalyzer.open(
                PACK,
                SharedData.models(),
                VisionOptions.defaults(PACK)
                        .withDetectorInputSize(640)
                        .withDetectorFollowingFrame(true)
                        .withScoreThreshold((float) AnalysisSettings.defaults().trackLowScore()));
    }

    @AfterAll
    static void close() {
        if (frames != null) {
            frames.close();
        }
    }

    /** What one mode decided on one clip. */
    record Run(List<FaceObservation> observations, Map<String, String> subjectById, long embedded) {
        /** Subjects identified at least once. */
        Set<String> identified() {
            return new TreeSet<>(
                    subjectById.values().stream().filter(s -> s != null).toList());
        }

        /** First frame of a correct decision of each expected subject. */
        Map<String, Long> firstCorrect(Set<String> expected) {
            Map<String, Long> out = new TreeMap<>();
            for (FaceObservation o : observations) {
                String s = subjectById.get(o.observationId());
                if (s != null && expected.contains(s)) {
                    out.merge(s, o.frameSequence(), Math::min);
                }
            }
            return out;
        }

        /** Per track, the first frame of a correct decision. */
        Map<String, Long> firstCorrectByTrack(Set<String> expected) {
            Map<String, Long> out = new TreeMap<>();
            for (FaceObservation o : observations) {
                String s = subjectById.get(o.observationId());
                if (s != null && expected.contains(s)) {
                    out.merge(o.track().trackId(), o.frameSequence(), Math::min);
                }
            }
            return out;
        }

        /** Subjects identified that are not in the clip, with how many tracks identified each. */
        Map<String, Integer> falseAlarms(Set<String> expected) {
            Map<String, Set<String>> tracks = new TreeMap<>();
            for (FaceObservation o : observations) {
                String s = subjectById.get(o.observationId());
                if (s != null && !expected.contains(s)) {
                    tracks.computeIfAbsent(s, k -> new TreeSet<>())
                            .add(o.track().trackId());
                }
            }
            Map<String, Integer> out = new TreeMap<>();
            tracks.forEach((s, t) -> out.put(s, t.size()));
            return out;
        }
    }

    private static Run run(List<Frame> clip, AnalysisSettings analysis) {
        MetricsRegistry metrics = new MetricsRegistry();
        List<FaceObservation> observations = ClipReplay.observe(frames, clip, analysis, metrics);
        Map<String, String> subjects = new LinkedHashMap<>();
        for (FaceObservation o : observations) {
            if (matcher.match(o, Instant.EPOCH) instanceof ObservationMatcher.Outcome.Identified id) {
                subjects.put(o.observationId(), id.event().subjectId());
            }
        }
        return new Run(observations, subjects, metrics.total("worker_faces_embedded_total"));
    }

    private static void compare(String video, Set<String> expected) throws Exception {
        List<Frame> clip = ClipReplay.frames(SharedData.video(video), "cam-1");
        Run every = run(clip, AnalysisSettings.everyFace());
        Run best = run(clip, AnalysisSettings.defaults());

        Map<String, Long> everyFirst = every.firstCorrect(expected);
        Map<String, Long> bestFirst = best.firstCorrect(expected);
        Map<String, Long> everyTracks = every.firstCorrectByTrack(expected);
        Map<String, Long> bestTracks = best.firstCorrectByTrack(expected);
        List<String> trackDelays = new ArrayList<>();
        everyTracks.forEach((track, frame) -> {
            Long b = bestTracks.get(track);
            trackDelays.add(track + ":" + (b == null ? "never" : "+" + (b - frame)));
        });
        System.err.printf(
                Locale.ROOT,
                "parity %s: %d frames; every-face %d embeddings, identified %s (first frame %s), false alarms %s;"
                        + " best-shot %d embeddings (%.1f%%), identified %s (first frame %s), false alarms %s;"
                        + " first correct decision per track, best-shot minus every-face, in frames: %s%n",
                video,
                clip.size(),
                every.embedded(),
                every.identified(),
                everyFirst,
                every.falseAlarms(expected),
                best.embedded(),
                100.0 * best.embedded() / Math.max(1, every.embedded()),
                best.identified(),
                bestFirst,
                best.falseAlarms(expected),
                trackDelays);

        Set<String> everyRight = new TreeSet<>(every.identified());
        everyRight.retainAll(expected);
        Set<String> bestRight = new TreeSet<>(best.identified());
        bestRight.retainAll(expected);
        assertThat(bestRight)
                .as("%s: the same enrolled people identified", video)
                .isEqualTo(everyRight);
        assertThat(best.falseAlarms(expected).keySet())
                .as("%s: no subject falsely identified that every-face mode did not", video)
                .isSubsetOf(every.falseAlarms(expected).keySet());
        best.falseAlarms(expected)
                .forEach((subject, tracks) -> assertThat(tracks)
                        .as("%s: tracks falsely identified as %s", video, subject)
                        .isLessThanOrEqualTo(every.falseAlarms(expected).get(subject)));
        everyFirst.forEach((subject, frame) -> assertThat(bestFirst.get(subject) - frame)
                .as("%s: frames until %s is first identified, best-shot minus every-face", video, subject)
                .isBetween(0L, (long) MAX_DELAY_FRAMES));
        everyTracks.forEach((track, frame) -> {
            if (bestTracks.containsKey(track)) {
                assertThat(bestTracks.get(track) - frame)
                        .as("%s: frames until track %s is first identified, best-shot minus every-face", video, track)
                        .isBetween(0L, (long) MAX_DELAY_FRAMES);
            }
        });
        assertThat(best.embedded()).as("%s: fewer embeddings", video).isLessThanOrEqualTo(every.embedded());
    }

    @Test
    void hamiltonIdentifiesLinManuelMirandaFromTheStartAndObamaLater() throws Exception {
        Set<String> expected = Set.of("lin_manuel_miranda", "obama");
        compare("hamilton-clip-640x360.mp4", expected);
    }

    @Test
    void talkingHeadsOfPeopleNotEnrolled() throws Exception {
        compare("WDA_KatieHill_000.mp4", Set.of());
        compare("WDA_AlexandriaOcasioCortez_000.mp4", Set.of());
    }

    @Test
    void pedestriansNotEnrolled() throws Exception {
        compare("pedestrians-1080p.mp4", Set.of());
    }

    @Test
    void walkingGifsOfPeopleNotEnrolled() throws Exception {
        compare("face-demographics-walking-and-pause.gif", Set.of());
        compare("face-demographics-walking.gif", Set.of());
        compare("head-pose-face-detection-female-and-male.gif", Set.of());
    }
}
