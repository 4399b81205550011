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
 * Whole searches over a synthetic gallery of unit vectors, per storage and probes per call: 1 is the
 * one-at-a-time path (the streaming kernels, memory-bound), 4 a small poll, 512 the batched path (the panel
 * micro-kernel, compute-bound); queries per second = this rate x batch. The kernels alone are in
 * {@link TileKernelBenchmark}.
 *
 * <p>Run (the {@code jmh} profile adds this source root and the JMH annotation processor; naming it turns
 * the default {@code cpu} profile off, so name both): {@code ./mvnw -B -Pcpu,jmh -DskipTests package && java
 * --add-modules jdk.incubator.vector -cp "target/facestream.jar:target/lib/*" org.openjdk.jmh.Main
 * 'FlatIndexBenchmark|TileKernelBenchmark'}.
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

    @Param({"100000"})
    int rows;

    @Param({"FP32", "FP16", "INT8"})
    Storage storage;

    @Param({"1", "4", "512"})
    int batch;

    private FlatIndex index;
    private float[][] probes;

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
}
