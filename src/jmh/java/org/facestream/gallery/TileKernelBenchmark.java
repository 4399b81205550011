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
 * Each scan kernel on its own, so a change to one is measured without the heaps and threads around it.
 *
 * <ul>
 *   <li>{@code panelFp32}: the batched micro-kernel on a cache-resident tile, 128 rows x 64 probes x 512;
 *       multiply-adds per second = rate x 4,194,304. Compare with the FMA peak of the core (2 x 8 lanes per
 *       cycle with AVX2, 2 x 16 with AVX-512).
 *   <li>{@code oneFp32}, {@code oneFp16}, {@code oneInt8}: the one-probe streaming kernels over a gallery of
 *       {@code streamRows} rows (default 40,000: 80 MB in fp32, 20 MB in int8, beyond a 16 MB L3), so they
 *       read from memory as a large gallery does; rows per second = rate x streamRows.
 *   <li>{@code widenFp16}, {@code widenInt8}: converting one tile for the panel kernel (once per tile and
 *       probe block in a batched search).
 *   <li>{@code nextAbove}: the top-k gate over one probe's scores of a tile, nothing above the threshold.
 * </ul>
 *
 * <p>{@code kernel}: {@code best} is what the index uses (the Vector API kernel when the module is present),
 * {@code scalar} the portable fallback. Run: see {@link FlatIndexBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TileKernelBenchmark {
    private static final int DIM = 512;
    private static final int TILE_GROUPS = 8;
    private static final int PANEL_PROBES = 64;

    @Param({"best", "scalar"})
    String kernel;

    @Param({"40000"})
    int streamRows;

    private TileKernel k;
    private float[] tile;
    private float[] panel;
    private int panelGroups;
    private float[] tileScores;
    private float[] data;
    private short[] half;
    private byte[] quant;
    private float[] probe;
    private float[] halfProbe;
    private float[] streamScores;
    private float[] wide;
    private int streamGroups;

    @Setup
    public void setUp() {
        k = kernel.equals("scalar") ? new ScalarTileKernel() : TileKernel.best();
        Random random = new Random(42);
        int tileRows = TILE_GROUPS * FlatIndex.GROUP;
        tile = new float[tileRows * DIM];
        for (int i = 0; i < tile.length; i++) {
            tile[i] = (float) random.nextGaussian();
        }
        float[][] probes = new float[PANEL_PROBES][DIM];
        for (float[] p : probes) {
            for (int j = 0; j < DIM; j++) {
                p[j] = random.nextFloat() * 2 - 1;
            }
        }
        panel = new float[(PANEL_PROBES + k.panelWidth()) * DIM];
        panelGroups = TileKernel.packPanel(probes, 0, PANEL_PROBES, k.panelWidth(), DIM, panel);
        tileScores = new float[panelGroups * k.panelWidth() * tileRows];

        streamGroups = (streamRows + 2 * FlatIndex.GROUP - 1) / (2 * FlatIndex.GROUP) * 2;
        int values = streamGroups * FlatIndex.GROUP * DIM;
        data = new float[values];
        half = new short[values];
        quant = new byte[values];
        for (int i = 0; i < values; i++) {
            float v = (float) random.nextGaussian() * 0.044f;
            data[i] = v;
            half[i] = Float.floatToFloat16(v);
            quant[i] = (byte) Math.round(v / 0.2f * 127);
        }
        probe = probes[0];
        halfProbe = k.prepareFp16(probe);
        streamScores = new float[streamGroups * FlatIndex.GROUP];
        wide = new float[tileRows * DIM];
    }

    /** Multiply-adds per second = this rate x 128 x 64 x 512. */
    @Benchmark
    public float[] panelFp32() {
        k.fp32Panel(tile, DIM, 0, TILE_GROUPS, panel, panelGroups, tileScores, 0, TILE_GROUPS * FlatIndex.GROUP);
        return tileScores;
    }

    /** Rows per second = this rate x streamRows. */
    @Benchmark
    public float[] oneFp32() {
        k.fp32One(data, DIM, 0, streamGroups, probe, streamScores, 0);
        return streamScores;
    }

    @Benchmark
    public float[] oneFp16() {
        k.fp16One(half, DIM, 0, streamGroups, halfProbe, streamScores, 0);
        return streamScores;
    }

    @Benchmark
    public float[] oneInt8() {
        k.int8One(quant, DIM, 0, streamGroups, probe, streamScores, 0);
        return streamScores;
    }

    @Benchmark
    public float[] widenFp16() {
        k.widenFp16(half, DIM, 0, TILE_GROUPS, wide);
        return wide;
    }

    @Benchmark
    public float[] widenInt8() {
        k.widenInt8(quant, DIM, 0, TILE_GROUPS, wide);
        return wide;
    }

    @Benchmark
    public int nextAbove() {
        return k.nextAbove(tileScores, 0, TILE_GROUPS * FlatIndex.GROUP, Float.MAX_VALUE);
    }
}
