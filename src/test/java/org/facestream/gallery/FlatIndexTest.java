package org.facestream.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

/** Correctness of the row-level search against a double-precision brute force; no timings here (see src/jmh). */
class FlatIndexTest {
    private static final int D = Embeddings.DIMENSION;

    /** Gallery of identity clusters like the benchmark's: 3 templates near each centre. */
    private static List<float[]> clustered(Random random, int rows) {
        List<float[]> out = new ArrayList<>();
        float[] centre = null;
        for (int r = 0; r < rows; r++) {
            if (r % 3 == 0) {
                centre = Embeddings.unit(random, D);
            }
            out.add(Embeddings.atCosine(centre, 0.7, random));
        }
        return out;
    }

    private static FlatIndex build(List<float[]> rows, SearchOptions options) {
        FlatIndex index = new FlatIndex(D, 0, options);
        rows.forEach(index::add);
        return index;
    }

    private static int[] bruteForceTop(List<float[]> rows, float[] probe, int k) {
        return IntStream.range(0, rows.size())
                .boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -dot(rows.get(r), probe))
                        .thenComparingInt(r -> r))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void fp32TopKMatchesBruteForceWithExactScores() {
        Random random = new Random(7);
        List<float[]> rows = clustered(random, 1000); // not a multiple of 16 or 32: exercises the padded tail
        FlatIndex index = build(rows, SearchOptions.DEFAULT);
        float[][] probes = new float[21][];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Embeddings.atCosine(rows.get(i * 37), 0.6, random);
        }

        RowHits[] hits = index.search(probes, 5);

        for (int i = 0; i < probes.length; i++) {
            assertThat(hits[i].rows()).containsExactly(bruteForceTop(rows, probes[i], 5));
            assertThat(hits[i].row(0) / 3).isEqualTo(i * 37 / 3); // best row is a template of the probe's identity
            for (int j = 0; j < 5; j++) {
                assertThat((double) hits[i].score(j)).isCloseTo(dot(rows.get(hits[i].row(j)), probes[i]), within(1e-5));
            }
        }
    }

    @Test
    void batchEqualsOneProbeAtATime() {
        Random random = new Random(11);
        List<float[]> rows = clustered(random, 700);
        // 19 and 70 probes leave the last panel group partial (panels of 4, 6 or 8) and 70 spans two blocks;
        // 2 probes take the one-probe kernel
        for (int n : new int[] {19, 70, 2}) {
            float[][] probes = new float[n][];
            for (int i = 0; i < probes.length; i++) {
                probes[i] = Embeddings.unit(random, D);
            }
            for (Storage storage : Storage.values()) {
                FlatIndex index = build(rows, SearchOptions.DEFAULT.withStorage(storage));
                RowHits[] batch = index.search(probes, 10);
                for (int i = 0; i < probes.length; i++) {
                    assertThat(index.search(new float[][] {probes[i]}, 10)[0])
                            .as("%s probe %d of %d", storage, i, n)
                            .isEqualTo(batch[i]);
                }
            }
        }
    }

    @Test
    void shardedSearchEqualsSingleThreadResult() {
        Random random = new Random(3);
        List<float[]> rows = clustered(random, 2000);
        FlatIndex single = build(rows, SearchOptions.DEFAULT);
        FlatIndex sharded = build(rows, SearchOptions.DEFAULT.withThreads(3));
        float[][] probes = new float[10][];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Embeddings.atCosine(rows.get(150 * i + 1), 0.5, random);
        }
        assertThat(sharded.search(probes, 20)).containsExactly(single.search(probes, 20));
    }

    @Test
    void compressedStorageReturnsExactlyTheFp32TopKAndProvesItWithFewCandidates() {
        Random random = new Random(5);
        List<float[]> rows = clustered(random, 1200);
        FlatIndex exact = build(rows, SearchOptions.DEFAULT);
        float[][] probes = new float[100][];
        for (int i = 0; i < probes.length; i++) {
            // half near an enrolled identity, half unrelated: the hard case where the top scores are close
            probes[i] = i % 2 == 0 ? Embeddings.atCosine(rows.get(i * 11), 0.55, random) : Embeddings.unit(random, D);
        }
        RowHits[] truth = exact.search(probes, 10);
        for (Storage storage : List.of(Storage.FP16, Storage.INT8)) {
            FlatIndex compressed = build(rows, SearchOptions.DEFAULT.withStorage(storage));
            RowHits[] hits = compressed.search(probes, 10);
            for (int i = 0; i < probes.length; i++) {
                assertThat(hits[i]).as("%s probe %d", storage, i).isEqualTo(truth[i]); // rows and fp32 scores
            }
            assertThat(compressed.exactFallbacks()).as("%s fallbacks", storage).isZero();
            // fp16's error bound is ~1e-3 here: about k candidates are re-scored; int8's (~1e-2) needs more
            assertThat(compressed.rescoredCandidates())
                    .as("%s candidates re-scored", storage)
                    .isBetween(10L * probes.length, (storage == Storage.FP16 ? 12L : 40L) * probes.length);
            assertThat(compressed.memoryBytes()).isGreaterThan(exact.memoryBytes());
        }
    }

    @Test
    void compressedStorageFallsBackToAnExactScanWhenItsCandidatesCannotProveTheTopK() {
        Random random = new Random(6);
        List<float[]> rows = clustered(random, 600);
        float[][] probes = new float[20][];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Embeddings.unit(random, D); // unrelated probes: the top scores lie within int8's error
        }
        RowHits[] truth = build(rows, SearchOptions.DEFAULT).search(probes, 5);
        // 5 candidates for k = 5: the certificate needs the 5th approximate score to clear the error bound
        FlatIndex tight = build(rows, new SearchOptions(1, Storage.INT8, 5));
        assertThat(tight.search(probes, 5)).containsExactly(truth);
        assertThat(tight.exactFallbacks()).isPositive();

        // a value beyond fp16's range leaves the scan unbounded: every probe is searched again in fp32
        List<float[]> withHuge = new ArrayList<>(rows);
        float[] huge = Embeddings.unit(random, D);
        huge[3] = 1e6f;
        withHuge.add(huge);
        FlatIndex half = build(withHuge, SearchOptions.DEFAULT.withStorage(Storage.FP16));
        assertThat(half.search(probes, 5))
                .containsExactly(build(withHuge, SearchOptions.DEFAULT).search(probes, 5));
        assertThat(half.exactFallbacks()).isEqualTo(probes.length);
    }

    @Test
    void fp16ProbesBeyondItsRangeAreScaledAndStillExact() {
        Random random = new Random(8);
        List<float[]> rows = clustered(random, 300);
        float[][] probes = new float[5][];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Embeddings.unit(random, D);
            for (int j = 0; j < D; j++) {
                probes[i][j] *= 1e6f; // values up to ~1e5: the folded 2^112 would overflow without scaling
            }
        }
        FlatIndex half = build(rows, SearchOptions.DEFAULT.withStorage(Storage.FP16));
        assertThat(half.search(probes, 3))
                .containsExactly(build(rows, SearchOptions.DEFAULT).search(probes, 3));
        assertThat(half.exactFallbacks()).isZero();
    }

    @Test
    void updatesAreVisibleToTheNextSearch() {
        Random random = new Random(9);
        List<float[]> rows = clustered(random, 100);
        for (Storage storage : Storage.values()) {
            FlatIndex index = build(rows, SearchOptions.DEFAULT.withStorage(storage));
            float[] probe = rows.get(40);
            assertThat(index.search(new float[][] {probe}, 1)[0].row(0)).isEqualTo(40);

            int moved = index.swapRemove(40); // row 99 now lives at 40
            assertThat(moved).isEqualTo(99);
            assertThat(index.size()).isEqualTo(99);
            assertThat(index.row(40)).containsExactly(rows.get(99));
            assertThat(index.search(new float[][] {rows.get(99)}, 1)[0].row(0)).isEqualTo(40);
            assertThat(index.search(new float[][] {probe}, 1)[0].row(0)).isNotEqualTo(40);

            float[] fresh = Embeddings.unit(random, D);
            index.set(7, fresh);
            int added = index.add(rows.get(40));
            RowHits hits = index.search(new float[][] {fresh, rows.get(40)}, 1)[0];
            assertThat(hits.row(0)).isEqualTo(7);
            assertThat(index.search(new float[][] {rows.get(40)}, 1)[0].row(0))
                    .isEqualTo(added)
                    .isEqualTo(99);
        }
    }

    @Test
    void rejectsBadInputWithExpectedFoundMessages() {
        FlatIndex index = new FlatIndex(4, 0, SearchOptions.DEFAULT);
        assertThatThrownBy(() -> index.add(new float[3])).hasMessage("expected vector length 4, found 3");
        assertThatThrownBy(() -> index.add(new float[] {1, Float.NaN, 0, 0}))
                .hasMessage("expected finite values, found NaN at position 1");
        assertThatThrownBy(() -> index.search(new float[][] {new float[4]}, 0)).hasMessage("expected k >= 1, found 0");
        assertThatThrownBy(() -> index.swapRemove(0)).hasMessage("expected a row in [0, 0), found 0");
        assertThatThrownBy(() -> new SearchOptions(0, Storage.FP32, 8))
                .hasMessage("expected threads in [1, 1024], found 0");
        assertThat(index.search(new float[][] {new float[4]}, 3)[0].size()).isZero();
    }
}
