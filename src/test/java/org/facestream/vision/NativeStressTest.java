package org.facestream.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.facestream.config.VisionOptions;
import org.facestream.eval.EvalAnalyzers;
import org.facestream.eval.FaceSelection;
import org.facestream.eval.ImageEmbeddings;
import org.facestream.eval.ImageFace;
import org.facestream.model.ModelPacks;
import org.facestream.testing.CpuPressure;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native libraries under the conditions of a busy machine: several analyzers opened at once and embedding in
 * parallel (as {@code eval}'s worker threads do), while other threads spin and the heap is churned and
 * collected; and the first use of every native library racing in fresh JVMs. Excluded from the default run
 * (tag {@code stress}); run it with
 *
 * <pre>{@code
 * ./mvnw -B -o test -Dtest=NativeStressTest -Dfacestream.excludedGroups=none \
 *     -Dfacestream.stress.rounds=40 -Dfacestream.stress.passes=10 -Dfacestream.stress.threads=4 -Dfacestream.stress.jvms=20
 * }</pre>
 *
 * A crash leaves {@code target/surefire-reports/hs_err_pid*.log} (child JVMs too) and, where core dumps are
 * allowed, a core file in the project directory.
 */
@Tag("stress")
class NativeStressTest {
    private static final int THREADS = Integer.getInteger("facestream.stress.threads", 4);
    private static final int ROUNDS = Integer.getInteger("facestream.stress.rounds", 10);
    /** Passes over ORL's 400 images: about 25 s each on an idle 2-core machine, minutes on a busy one. */
    private static final int PASSES = Integer.getInteger("facestream.stress.passes", 3);

    private static final int JVMS = Integer.getInteger("facestream.stress.jvms", 6);
    private static final int SPINNERS = Integer.getInteger("facestream.stress.spinners", 2);

    @TempDir
    Path dir;

    /** {@code eval identify}'s embedding of ORL (400 images, one analyzer per worker thread), pass after pass. */
    @Test
    void evalEmbeddingOfOrlRepeatedUnderPressureGivesTheSameEmbeddingsEveryPass() throws Exception {
        List<Path> images;
        try (Stream<Path> files = Files.walk(SharedData.faces().resolve("orl"))) {
            images = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertThat(images).hasSize(400);
        Supplier<FaceAnalyzer> analyzers = () -> EvalAnalyzers.open(
                ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT), false);
        Map<Path, ImageFace> first = null;
        try (CpuPressure pressure = CpuPressure.start(SPINNERS, true)) {
            for (int pass = 0; pass < PASSES; pass++) {
                Map<Path, ImageFace> faces = ImageEmbeddings.compute(
                                images, analyzers, Math.max(2, THREADS / 2), null, FaceSelection.Rule.LARGEST)
                        .all();
                if (first == null) {
                    first = faces;
                    continue;
                }
                for (Path p : images) {
                    assertThat(faces.get(p).face().embedding())
                            .as("pass " + pass + ", " + p)
                            .containsExactly(first.get(p).face().embedding());
                }
            }
            assertThat(pressure.collections())
                    .as("full collections during the passes")
                    .isPositive();
        }
    }

    @Test
    void analyzersOpenedTogetherEmbedInParallelBitForBitAsOneAloneDoes() throws Exception {
        List<Path> images = new ArrayList<>();
        for (int s = 1; s <= 8; s++) {
            images.add(SharedData.face("orl/s" + s + "/1.png"));
            images.add(SharedData.face("orl/s" + s + "/2.png"));
        }
        images.add(SharedData.face("people/obama/obama.jpg"));
        images.add(SharedData.face("groups/two_people.jpg"));
        Map<Path, byte[]> bytes = new ConcurrentHashMap<>();
        for (Path p : images) {
            bytes.put(p, Files.readAllBytes(p));
        }
        Map<Path, List<float[]>> reference = new ConcurrentHashMap<>();
        try (FaceAnalyzer alone = open()) {
            for (Path p : images) {
                reference.put(p, embeddings(alone, bytes.get(p)));
            }
        }
        assertThat(reference.get(SharedData.face("groups/two_people.jpg"))).hasSize(2);

        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long collections;
        try (CpuPressure pressure = CpuPressure.start(SPINNERS, true)) {
            for (int round = 0; round < ROUNDS && failure.get() == null; round++) {
                CyclicBarrier together = new CyclicBarrier(THREADS);
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int offset = t * images.size() / THREADS;
                    int r = round;
                    workers.add(Thread.ofPlatform().name("stress-analyzer-" + t).start(() -> {
                        try {
                            together.await();
                            try (FaceAnalyzer analyzer = open()) {
                                for (int i = 0; i < images.size(); i++) {
                                    Path p = images.get((offset + i) % images.size());
                                    List<float[]> got = embeddings(analyzer, bytes.get(p));
                                    List<float[]> want = reference.get(p);
                                    if (got.size() != want.size()) {
                                        mismatches.add("round " + r + " " + p.getFileName() + ": expected "
                                                + want.size() + " faces, found " + got.size());
                                        continue;
                                    }
                                    for (int f = 0; f < got.size(); f++) {
                                        if (!Arrays.equals(got.get(f), want.get(f))) {
                                            mismatches.add("round " + r + " " + p + " face " + f
                                                    + ": embedding differs from the one analyzer alone");
                                        }
                                    }
                                }
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }));
                }
                for (Thread w : workers) {
                    w.join();
                }
            }
            collections = pressure.collections();
        }
        if (failure.get() != null) {
            throw new AssertionError("an analyzer thread failed", failure.get());
        }
        assertThat(mismatches).as("embeddings under contention").isEmpty();
        assertThat(collections).as("full collections during the rounds").isPositive();
    }

    @Test
    void everyNativeLibraryFirstUsedByManyThreadsAtOnceInFreshJvms() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (CpuPressure pressure = CpuPressure.start(SPINNERS, false)) {
            for (int jvm = 0; jvm < JVMS; jvm++) {
                Path tmp = Files.createDirectories(dir.resolve("tmp-" + jvm));
                Path log = dir.resolve("first-use-" + jvm + ".log");
                Process p = new ProcessBuilder(
                                java,
                                "-Xmx1g",
                                "--enable-native-access=ALL-UNNAMED",
                                "-XX:ErrorFile=target/surefire-reports/hs_err_pid%p.log",
                                "-Djava.io.tmpdir=" + tmp,
                                "-cp",
                                System.getProperty("java.class.path"),
                                NativeFirstUse.class.getName(),
                                Integer.toString(Math.max(4, THREADS)),
                                SharedData.face("orl/s1/1.png").toString(),
                                SharedData.faces().resolve("orl/s2").toString(),
                                SharedData.face("video/hamilton-clip-640x360.mp4")
                                        .toString(),
                                SharedData.models().toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                boolean ended = p.waitFor(5, TimeUnit.MINUTES);
                if (!ended) {
                    p.destroyForcibly().waitFor();
                }
                String output = Files.readString(log);
                assertThat(ended)
                        .as("JVM " + jvm + " ended within 5 minutes:\n" + output)
                        .isTrue();
                assertThat(p.exitValue())
                        .as("JVM " + jvm + " (exit 134 is a crash: see target/surefire-reports/hs_err_pid" + p.pid()
                                + ".log):\n" + output)
                        .isZero();
                assertThat(output).contains("first use ok", "opencv copies extracted: 1");
            }
        }
    }

    private static FaceAnalyzer open() {
        return FaceAnalyzer.open(ModelPacks.DEFAULT, SharedData.models(), VisionOptions.defaults(ModelPacks.DEFAULT));
    }

    private static List<float[]> embeddings(FaceAnalyzer analyzer, byte[] image) {
        return analyzer.analyze(image).stream().map(AnalyzedFace::embedding).toList();
    }
}
