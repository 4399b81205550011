package org.facestream.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.facestream.eval.Vectors;
import org.facestream.gallery.FlatIndex;
import org.facestream.gallery.RowHits;
import org.facestream.gallery.SearchOptions;
import org.facestream.gallery.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench match}: exact top-k of every query over a gallery of {@code .fvecs} rows with the
 * index the matcher uses, in the protocol of {@code ../shared/bench/match_peers.py compare}: top-k row
 * indices to {@code --out} as {@code .ivecs}, last stdout line {@code qps=<queries per second>} over all
 * queries (file loading excluded; a short JIT warm-up on synthetic rows is run first and not counted, as
 * a JMH warm-up would be).
 */
@Command(
        name = "match",
        mixinStandardHelpOptions = true,
        description = "Exact 1:N search benchmark: gallery and queries as .fvecs, top-k row indices as .ivecs.")
final class BenchMatchCommand implements Callable<Integer> {
    @Option(names = "--gallery", required = true, description = "Gallery rows (.fvecs).")
    Path gallery;

    @Option(names = "--queries", required = true, description = "Query rows (.fvecs).")
    Path queries;

    @Option(names = "--k", defaultValue = "10", description = "Rows per query (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--threads", defaultValue = "1", description = "Search threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", required = true, description = "Top-k row indices per query (.ivecs).")
    Path out;

    @Option(
            names = "--storage",
            defaultValue = "fp32",
            converter = StorageConverter.class,
            description = "fp32, fp16 or int8 (compressed forms re-score their best candidates in fp32).")
    Storage storage;

    @Option(
            names = "--rerank",
            defaultValue = "64",
            description =
                    "Approximate candidates re-scored exactly per query with fp16/int8 (default ${DEFAULT-VALUE}).")
    int rerank;

    @Option(
            names = "--batch",
            defaultValue = "0",
            description =
                    "Queries per search call: 0 = all at once, 1 = one query at a time (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--warmup",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description = "Run a short JIT warm-up on synthetic rows first (default ${DEFAULT-VALUE}).")
    boolean warmup;

    static final class StorageConverter implements ITypeConverter<Storage> {
        @Override
        public Storage convert(String value) {
            try {
                return Storage.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected fp32, fp16 or int8, found '" + value + "'", e);
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("expected --k >= 1, found " + k);
        }
        if (batch < 0) {
            throw new IllegalArgumentException("expected --batch >= 0, found " + batch);
        }
        PrintStream err = System.err;
        SearchOptions options = new SearchOptions(threads, storage, rerank);
        Vectors.Shape shape = Vectors.shape(gallery);
        long t0 = System.nanoTime();
        FlatIndex index = new FlatIndex(shape.dimension(), shape.rows(), options);
        Vectors.forEachRow(gallery, index::add);
        float[][] q = Vectors.readAll(queries);
        if (q.length > 0 && q[0].length != shape.dimension()) {
            throw new IllegalArgumentException(
                    "expected queries of dimension " + shape.dimension() + ", found " + q[0].length + " in " + queries);
        }
        err.printf(
                Locale.ROOT,
                "loaded %d x %d gallery and %d queries in %.2f s; kernel %s, storage %s, threads %d%n",
                index.size(),
                index.dimension(),
                q.length,
                (System.nanoTime() - t0) / 1e9,
                FlatIndex.kernelName(),
                storage.name().toLowerCase(Locale.ROOT),
                threads);
        if (warmup) {
            long w = System.nanoTime();
            warmUp(shape.dimension(), options);
            err.printf(Locale.ROOT, "JIT warm-up %.2f s (not counted)%n", (System.nanoTime() - w) / 1e9);
        }

        int step = batch == 0 ? Math.max(1, q.length) : batch;
        int[][] found = new int[q.length][];
        Progress progress = new Progress(err, q.length);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long cpuStart = cpu.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int from = 0; from < q.length; from += step) {
            float[][] chunk = Arrays.copyOfRange(q, from, Math.min(q.length, from + step));
            RowHits[] hits = index.search(chunk, k);
            for (int i = 0; i < hits.length; i++) {
                int[] rows = new int[k];
                Arrays.fill(rows, -1);
                for (int j = 0; j < hits[i].size(); j++) {
                    rows[j] = hits[i].row(j);
                }
                found[from + i] = rows;
            }
            progress.update(from + chunk.length);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // CPU seconds of this thread: on a shared machine wall time also counts other tenants' load
        double cpuSeconds = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        progress.done();
        Vectors.writeIvecs(out, found);
        double qps = q.length / seconds;
        System.out.printf(
                Locale.ROOT,
                "searched %d queries in %.3f s (calling thread CPU %.3f s%s); index %d MiB; resident %d MiB%n",
                q.length,
                seconds,
                cpuSeconds,
                threads == 1 ? String.format(Locale.ROOT, ", %.1f queries per CPU second", q.length / cpuSeconds) : "",
                index.memoryBytes() >> 20,
                residentBytes() >> 20);
        if (storage != Storage.FP32) {
            System.out.printf(
                    Locale.ROOT,
                    "re-scored %.1f candidates per query in fp32; %d of %d queries searched again in fp32%n",
                    (double) index.rescoredCandidates() / q.length,
                    index.exactFallbacks(),
                    q.length);
        }
        System.out.printf(Locale.ROOT, "qps=%.1f%n", qps);
        return 0;
    }

    /** Compiles the scan kernels with C2 before the clock starts (the interpreter is slow at Vector API code). */
    private static void warmUp(int dimension, SearchOptions options) {
        Random random = new Random(1);
        FlatIndex small = new FlatIndex(dimension, 2048, options);
        float[] row = new float[dimension];
        for (int r = 0; r < 2048; r++) {
            for (int j = 0; j < dimension; j++) {
                row[j] = (float) random.nextGaussian();
            }
            small.add(row);
        }
        float[][] probes = new float[67][];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = small.row(i);
        }
        for (int round = 0; round < 30; round++) {
            small.search(probes, 10);
            small.search(new float[][] {probes[round]}, 10);
        }
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1; // not Linux: memory is then simply not reported
        }
        return -1;
    }

    /** A one-line bar on stderr, redrawn at most every 1%. */
    private static final class Progress {
        private final PrintStream err;
        private final int total;
        private int shown = -1;

        Progress(PrintStream err, int total) {
            this.err = err;
            this.total = Math.max(1, total);
        }

        void update(int done) {
            int pct = (int) (100L * done / total);
            if (pct != shown) {
                shown = pct;
                int bar = pct * 40 / 100;
                err.print("\r[" + "#".repeat(bar) + " ".repeat(40 - bar) + "] " + done + "/" + total + " queries");
            }
        }

        void done() {
            err.println();
        }
    }
}
