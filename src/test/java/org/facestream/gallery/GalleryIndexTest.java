package org.facestream.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GalleryIndexTest {
    private static final int D = Embeddings.DIMENSION;
    private static final String PACK = "yunet-mobilefacenet-512";
    private static final FaceQuality QUALITY = new FaceQuality(0.95f, 60, 120, 2, 1, 21);

    private final Random random = new Random(42);

    static GalleryRecord subject(String id, float[]... embeddings) {
        List<Template> templates = new ArrayList<>();
        for (int i = 0; i < embeddings.length; i++) {
            templates.add(new Template(embeddings[i], id + "-" + i + ".jpg", QUALITY));
        }
        return new GalleryRecord(id, id, templates, PACK, Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void ranksTopKSubjectsBestFirstWithExactScores() {
        GalleryIndex index = new GalleryIndex(D);
        Map<String, float[]> gallery = new LinkedHashMap<>();
        for (int s = 0; s < 50; s++) {
            float[] t = Embeddings.unit(random, D);
            gallery.put("s" + s, t);
            index.upsert(subject("s" + s, t));
        }
        float[] probe = Embeddings.atCosine(gallery.get("s17"), 0.8, random);

        Ranking ranking = index.search(probe, 5);

        List<Map.Entry<String, Double>> reference = gallery.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), Embeddings.cosine(probe, e.getValue())))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .toList();
        assertThat(ranking.candidates()).hasSize(5);
        assertThat(ranking.bestSubjectId()).isEqualTo("s17");
        assertThat(ranking.bestScore()).isCloseTo(0.8, within(1e-5));
        for (int i = 0; i < 5; i++) {
            assertThat(ranking.candidates().get(i).subjectId())
                    .isEqualTo(reference.get(i).getKey());
            assertThat(ranking.candidates().get(i).score())
                    .isCloseTo(reference.get(i).getValue(), within(1e-5));
        }
        // Unrelated random subjects are near-orthogonal to the probe.
        assertThat(ranking.secondBestScore())
                .isCloseTo(reference.get(1).getValue(), within(1e-5))
                .isBetween(-0.25, 0.25);
        assertThat(ranking.subjectsSearched()).isEqualTo(50);
        assertThat(ranking.templatesSearched()).isEqualTo(50);
    }

    @Test
    void scoresASubjectByItsBestTemplate() {
        GalleryIndex index = new GalleryIndex(D);
        float[] a0 = Embeddings.unit(random, D);
        float[] a1 = Embeddings.unit(random, D);
        float[] a2 = Embeddings.unit(random, D);
        index.upsert(subject("alice", a0, a1, a2));
        index.upsert(subject("bob", Embeddings.unit(random, D)));
        float[] probe = Embeddings.atCosine(a2, 0.7, random);

        Ranking ranking = index.search(probe, 3);

        assertThat(ranking.candidates()).extracting(SubjectScore::subjectId).containsExactly("alice", "bob");
        assertThat(ranking.bestScore()).isCloseTo(0.7, within(1e-5));
        assertThat(index.subjectCount()).isEqualTo(2);
        assertThat(index.templateCount()).isEqualTo(4);
    }

    @Test
    void secondBestScoreIsReportedEvenWhenKIsOne() {
        GalleryIndex index = new GalleryIndex(D);
        float[] a = Embeddings.unit(random, D);
        float[] b = Embeddings.unit(random, D);
        index.upsert(subject("alice", a));
        index.upsert(subject("bob", b));

        Ranking ranking = index.search(a, 1);

        assertThat(ranking.candidates()).extracting(SubjectScore::subjectId).containsExactly("alice");
        assertThat(ranking.bestScore()).isCloseTo(1.0, within(1e-5)).isLessThanOrEqualTo(1.0);
        assertThat(ranking.secondBestScore()).isCloseTo(Embeddings.cosine(a, b), within(1e-5));
    }

    @Test
    void equalScoresAreOrderedBySubjectId() {
        GalleryIndex index = new GalleryIndex(D);
        float[] t = Embeddings.unit(random, D);
        index.upsert(subject("zoe", t));
        index.upsert(subject("adam", t));
        index.upsert(subject("mia", t));

        assertThat(index.search(t, 3).candidates())
                .extracting(SubjectScore::subjectId)
                .containsExactly("adam", "mia", "zoe");
    }

    @Test
    void upsertReplacesEveryTemplateOfTheSubject() {
        GalleryIndex index = new GalleryIndex(D);
        float[] old0 = Embeddings.unit(random, D);
        float[] old1 = Embeddings.unit(random, D);
        float[] replacement = Embeddings.unit(random, D);
        index.upsert(subject("alice", old0, old1));
        index.upsert(subject("bob", Embeddings.unit(random, D)));
        long before = index.version();

        index.upsert(subject("alice", replacement));

        assertThat(index.version()).isEqualTo(before + 1);
        assertThat(index.subjectCount()).isEqualTo(2);
        assertThat(index.templateCount()).isEqualTo(2);
        Ranking byOld = index.search(old1, 2);
        assertThat(byOld.bestScore()).isLessThan(0.25); // the old templates are gone
        Ranking byNew = index.search(Embeddings.atCosine(replacement, 0.9, random), 2);
        assertThat(byNew.bestSubjectId()).isEqualTo("alice");
        assertThat(byNew.bestScore()).isCloseTo(0.9, within(1e-5));
    }

    @Test
    void removeErasesOneSubjectAndKeepsTheOthersSearchable() {
        GalleryIndex index = new GalleryIndex(D);
        float[] a = Embeddings.unit(random, D);
        float[] b = Embeddings.unit(random, D);
        float[] c = Embeddings.unit(random, D);
        index.upsert(subject("alice", a, Embeddings.unit(random, D)));
        index.upsert(subject("bob", b));
        index.upsert(subject("carol", Embeddings.unit(random, D), c));
        long before = index.version();

        assertThat(index.remove("alice")).isTrue();
        assertThat(index.remove("alice")).isFalse();

        assertThat(index.version()).isEqualTo(before + 1);
        assertThat(index.contains("alice")).isFalse();
        assertThat(index.subjectCount()).isEqualTo(2);
        assertThat(index.templateCount()).isEqualTo(3);
        assertThat(index.search(a, 5).candidates())
                .extracting(SubjectScore::subjectId)
                .doesNotContain("alice");
        assertThat(index.search(b, 1).best())
                .isEqualTo(new SubjectScore("bob", index.search(b, 1).bestScore()));
        assertThat(index.search(b, 1).bestScore()).isCloseTo(1.0, within(1e-5));
        assertThat(index.search(c, 1).bestSubjectId()).isEqualTo("carol");
        assertThat(index.search(c, 1).bestScore()).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void staysEqualToABruteForceReferenceThroughRandomUpsertsAndRemovals() {
        GalleryIndex index = new GalleryIndex(64);
        Map<String, List<float[]>> reference = new HashMap<>();
        for (int step = 0; step < 600; step++) {
            String id = "s" + random.nextInt(40);
            if (random.nextInt(4) == 0) {
                assertThat(index.remove(id)).isEqualTo(reference.remove(id) != null);
            } else {
                float[][] templates = new float[1 + random.nextInt(4)][];
                for (int t = 0; t < templates.length; t++) {
                    templates[t] = Embeddings.unit(random, 64);
                }
                index.upsert(subject(id, templates));
                reference.put(id, List.of(templates));
            }
        }
        float[] probe = Embeddings.unit(random, 64);
        List<Map.Entry<String, Double>> expected = reference.entrySet().stream()
                .map(e -> Map.entry(
                        e.getKey(),
                        e.getValue().stream()
                                .mapToDouble(t -> Embeddings.cosine(probe, t))
                                .max()
                                .orElseThrow()))
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .toList();

        Ranking ranking = index.search(probe, 100);

        assertThat(index.subjectCount()).isEqualTo(reference.size());
        assertThat(index.templateCount())
                .isEqualTo(reference.values().stream().mapToInt(List::size).sum());
        assertThat(ranking.candidates()).hasSize(reference.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(ranking.candidates().get(i).subjectId())
                    .isEqualTo(expected.get(i).getKey());
            assertThat(ranking.candidates().get(i).score())
                    .isCloseTo(expected.get(i).getValue(), within(1e-5));
        }
    }

    @Test
    void rejectsAProbeOfTheWrongDimension() {
        GalleryIndex index = new GalleryIndex(D);
        index.upsert(subject("alice", Embeddings.unit(random, D)));

        assertThatThrownBy(() -> index.search(Embeddings.unit(random, 128), 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected embedding length 512, found 128");
        assertThatThrownBy(() -> index.upsert(subject("bob", Embeddings.unit(random, 128))))
                .hasMessage("expected embedding length 512, found 128");
        assertThat(index.contains("bob")).isFalse();
    }

    @Test
    void infersTheDimensionFromTheFirstRecord() {
        GalleryIndex index = new GalleryIndex();
        assertThat(index.dimension()).isZero();
        assertThat(index.search(Embeddings.unit(random, 128), 5).isEmpty()).isTrue();

        index.upsert(subject("alice", Embeddings.unit(random, D)));

        assertThat(index.dimension()).isEqualTo(D);
        assertThatThrownBy(() -> index.search(Embeddings.unit(random, 128), 5))
                .hasMessage("expected embedding length 512, found 128");
    }

    @Test
    void replaceAllSwapsTheWholeGalleryInOneVersion() {
        GalleryIndex index = new GalleryIndex(D);
        index.upsert(subject("old", Embeddings.unit(random, D)));
        float[] a = Embeddings.unit(random, D);
        long before = index.version();

        index.replaceAll(List.of(subject("alice", a), subject("bob", Embeddings.unit(random, D))));

        assertThat(index.version()).isEqualTo(before + 1);
        assertThat(index.contains("old")).isFalse();
        assertThat(index.subjectCount()).isEqualTo(2);
        assertThat(index.search(a, 1).bestSubjectId()).isEqualTo("alice");
    }

    @Test
    void emptyGalleryGivesAnEmptyRanking() {
        Ranking ranking = new GalleryIndex(D).search(Embeddings.unit(random, D), 5);

        assertThat(ranking.isEmpty()).isTrue();
        assertThat(ranking.bestScore()).isEqualTo(-1);
        assertThat(ranking.bestSubjectId()).isNull();
        assertThat(ranking.secondBestScore()).isEqualTo(-1);
    }

    @Test
    void searchBatchAndThreadedSearchEqualSingleSearches() {
        GalleryIndex single = new GalleryIndex(D);
        GalleryIndex threaded = new GalleryIndex(D, 2);
        List<float[]> firsts = new ArrayList<>();
        for (int s = 0; s < 300; s++) {
            float[] a = Embeddings.unit(random, D);
            float[] b = Embeddings.atCosine(a, 0.6, random);
            firsts.add(a);
            single.upsert(subject("s" + s, a, b));
            threaded.upsert(subject("s" + s, a, b));
        }
        float[][] probes = new float[70][]; // more than one 64-probe chunk
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Embeddings.atCosine(firsts.get(i * 4), 0.75, random);
        }

        List<Ranking> batch = single.searchBatch(probes, 3);
        List<Ranking> threadedBatch = threaded.searchBatch(probes, 3);

        assertThat(batch).hasSize(70);
        for (int i = 0; i < probes.length; i++) {
            Ranking one = single.search(probes[i], 3);
            assertThat(batch.get(i)).isEqualTo(one);
            assertThat(threadedBatch.get(i)).isEqualTo(one);
            assertThat(one.bestSubjectId()).isEqualTo("s" + i * 4);
            assertThat(one.bestScore()).isCloseTo(0.75, within(1e-5));
        }
        assertThatThrownBy(() -> single.searchBatch(new float[][] {probes[0], new float[5]}, 3))
                .hasMessage("expected embedding length " + D + ", found 5 in probe 1");
    }

    /** The same gallery, updates and probes in fp32 and in a compressed storage must rank identically. */
    @ParameterizedTest
    @EnumSource(
            value = Storage.class,
            names = {"FP16", "INT8"})
    void compressedStorageRanksExactlyAsFp32ThroughUpsertsAndRemovals(Storage storage) {
        GalleryIndex fp32 = new GalleryIndex(D);
        GalleryIndex compressed = new GalleryIndex(D, 1, new GallerySearch(storage, 0));
        List<float[]> centres = new ArrayList<>();
        for (int s = 0; s < 400; s++) {
            // sub-centres near each other and near-duplicate subjects: close scores the compressed scan must settle
            float[] a =
                    s % 10 == 9 ? Embeddings.atCosine(centres.get(s - 1), 0.97, random) : Embeddings.unit(random, D);
            centres.add(a);
            float[][] templates = new float[1 + s % 4][];
            for (int t = 0; t < templates.length; t++) {
                templates[t] = t == 0 ? a : Embeddings.atCosine(a, 0.8, random);
            }
            fp32.upsert(subject("s" + s, templates));
            compressed.upsert(subject("s" + s, templates));
        }
        for (int s = 0; s < 400; s += 7) {
            fp32.remove("s" + s);
            compressed.remove("s" + s);
        }
        for (int i = 0; i < 120; i++) {
            float[] probe = i % 3 == 2
                    ? Embeddings.unit(random, D) // a stranger: top scores bunched near zero
                    : Embeddings.atCosine(centres.get(random.nextInt(centres.size())), 0.7, random);
            for (int k : new int[] {1, 5}) {
                assertThat(compressed.search(probe, k)).isEqualTo(fp32.search(probe, k));
            }
        }
        assertThat(compressed.gallerySearch().storage()).isEqualTo(storage);
    }

    /**
     * One subject owning far more rows near the probe than the compressed scan is first asked for: the index must
     * widen its row request, and past a quarter of the rows scan every subject in fp32, still exactly.
     */
    @Test
    void aSubjectWithManyTemplatesStillGivesTheExactRunnerUp() {
        GalleryIndex fp32 = new GalleryIndex(D);
        GalleryIndex compressed = new GalleryIndex(D, 1, GallerySearch.parse("int8"));
        float[] face = Embeddings.unit(random, D);
        float[][] many = new float[200][];
        for (int t = 0; t < many.length; t++) {
            many[t] = Embeddings.atCosine(face, 0.9, random);
        }
        fp32.upsert(subject("crowded", many));
        compressed.upsert(subject("crowded", many));
        for (int s = 0; s < 300; s++) {
            float[] other = Embeddings.unit(random, D);
            fp32.upsert(subject("o" + s, other));
            compressed.upsert(subject("o" + s, other));
        }
        float[] probe = Embeddings.atCosine(face, 0.95, random);

        Ranking expected = fp32.search(probe, 2);

        assertThat(compressed.search(probe, 2)).isEqualTo(expected);
        assertThat(expected.bestSubjectId()).isEqualTo("crowded");
        assertThat(compressed.exactRescans()).isEqualTo(1);
        // with the crowded subject's rows a minority, widening the request proves it without a full fp32 scan
        for (int s = 300; s < 1200; s++) {
            float[] other = Embeddings.unit(random, D);
            fp32.upsert(subject("o" + s, other));
            compressed.upsert(subject("o" + s, other));
        }
        assertThat(compressed.search(probe, 2)).isEqualTo(fp32.search(probe, 2));
        assertThat(compressed.exactRescans()).isEqualTo(1);
    }

    @Test
    void autoSearchScansTheCompressedCopyOnlyFromItsRowCountUp() {
        GallerySearch auto = new GallerySearch(Storage.INT8, 40);
        GalleryIndex fp32 = new GalleryIndex(D);
        GalleryIndex index = new GalleryIndex(D, 1, auto);
        List<float[]> faces = new ArrayList<>();
        for (int s = 0; s < 39; s++) {
            faces.add(Embeddings.unit(random, D));
            fp32.upsert(subject("s" + s, faces.get(s)));
            index.upsert(subject("s" + s, faces.get(s)));
        }
        float[] probe = Embeddings.atCosine(faces.get(3), 0.7, random);
        assertThat(index.search(probe, 5)).isEqualTo(fp32.search(probe, 5));
        assertThat(index.compressedSearches()).isZero();

        fp32.upsert(subject("s39", Embeddings.unit(random, D)));
        index.upsert(subject("s39", Embeddings.unit(random, D)));
        fp32.upsert(subject("s39", faces.get(0)));
        index.upsert(subject("s39", faces.get(0)));

        assertThat(index.search(probe, 5)).isEqualTo(fp32.search(probe, 5));
        assertThat(index.compressedSearches()).isEqualTo(1);
        assertThat(GallerySearch.parse("auto")).isEqualTo(GallerySearch.AUTO);
        assertThat(GallerySearch.parse(" INT8 ")).isEqualTo(new GallerySearch(Storage.INT8, 0));
        assertThat(GallerySearch.parse("fp32").compressedAt(1_000_000)).isFalse();
        assertThatThrownBy(() -> GallerySearch.parse("bf16"))
                .hasMessage("expected auto, fp32, fp16 or int8, found 'bf16'");
    }
}
