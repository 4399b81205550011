package org.facestream.gallery;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Kernels of the gallery search. {@code tileFp32} scores one L2-resident tile (128 rows x 64 probes): its
 * rate in multiply-adds per second ({@code 128 * 64 * 512} per operation) against the FMA units' peak shows
 * how close the micro-kernel gets. {@code search} runs whole searches over a synthetic gallery, batched or
 * one probe at a time, per storage.
 *
 * <p>Run (the {@code jmh} profile adds this source root and the JMH annotation processor): {@code ./mvnw -B
 * -Pjmh -DskipTests package && java --add-modules jdk.incubator.vector -cp "target/facestream.jar:target/lib/*"
 * org.openjdk.jmh.Main FlatIndexBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FlatIndexBenchmark {
    private static final int DIM = 512;

    @Param({"20000"})
    int rows;

    @Param({"FP32", "FP16", "INT8"})
    Storage storage;

    @Param({"1", "64"})
    int batch;

    private FlatIndex index;
    private float[][] probes;
    private float[] tile;
    private float[][] tileProbes;
    private float[] scores;
    private final TileKernel kernel = TileKernel.best();

    @Setup
    public void setUp() {
        Random random = new Random(42);
        index = new FlatIndex(DIM, rows, new SearchOptions(1, storage, 64));
        for (int r = 0; r < rows; r++) {
            index.add(unit(random));
        }
        probes = new float[batch][];
        for (int i = 0; i < batch; i++) {
            probes[i] = unit(random);
        }
        tile = new float[8 * FlatIndex.GROUP * DIM];
        for (int i = 0; i < tile.length; i++) {
            tile[i] = (float) random.nextGaussian();
        }
        tileProbes = new float[64][];
        for (int i = 0; i < 64; i++) {
            tileProbes[i] = unit(random);
        }
        scores = new float[64 * 8 * FlatIndex.GROUP];
    }

    private static float[] unit(Random random) {
        float[] v = new float[DIM];
        double n = 0;
        for (int j = 0; j < DIM; j++) {
            v[j] = (float) random.nextGaussian();
            n += v[j] * v[j];
        }
        for (int j = 0; j < DIM; j++) {
            v[j] /= (float) Math.sqrt(n);
        }
        return v;
    }

    /** Queries per second = this rate x batch. */
    @Benchmark
    public RowHits[] search() {
        return index.search(probes, 10);
    }

    /** Multiply-adds per second = this rate x 128 x 64 x 512. */
    @Benchmark
    public float[] tileFp32() {
        kernel.fp32(tile, DIM, 0, 8, tileProbes, 0, 64, scores);
        return scores;
    }
}
