package org.facestream.vision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.facestream.config.VisionOptions;
import org.facestream.ingest.GrabbedFrame;
import org.facestream.ingest.ImageFolderSource;
import org.facestream.ingest.VideoFileSource;
import org.facestream.model.ModelPacks;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Mat;

/**
 * The first use of every native library in a fresh JVM, from several threads released at once: ONNX Runtime
 * (environment and sessions, through analyzers), OpenCV through both of its loaders (model's, used by vision,
 * and ingest's), and FFmpeg through JavaCPP. Run by {@link NativeStressTest} in child JVMs, since each library
 * initialises once per process. Prints one line per thread, the number of OpenCV library copies extracted
 * under {@code java.io.tmpdir}, and {@code first use ok}; exits 1 on any failure.
 *
 * <p>Arguments: threads, an ORL image, an image folder, a video file, the models directory.
 */
public final class NativeFirstUse {
    private NativeFirstUse() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        byte[] image = Files.readAllBytes(Path.of(args[1]));
        Path folder = Path.of(args[2]);
        Path video = Path.of(args[3]);
        Path models = Path.of(args[4]);
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int kind = t % 4;
            workers.add(Thread.ofPlatform().name("first-use-" + t).start(() -> {
                try {
                    start.await();
                    System.out.println(
                            Thread.currentThread().getName() + " " + use(kind, image, folder, video, models));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            failure.get().printStackTrace();
            System.exit(1);
        }
        System.out.println("opencv copies extracted: " + opencvCopies(Path.of(System.getProperty("java.io.tmpdir"))));
        System.out.println("first use ok");
    }

    private static String use(int kind, byte[] image, Path folder, Path video, Path models) throws Exception {
        switch (kind) {
            case 0, 2 -> {
                try (FaceAnalyzer a =
                        FaceAnalyzer.open(ModelPacks.DEFAULT, models, VisionOptions.defaults(ModelPacks.DEFAULT))) {
                    List<AnalyzedFace> faces = a.analyze(image);
                    return "analyzer: " + faces.size() + " face(s), first embedding value "
                            + faces.get(0).embedding()[0];
                }
            }
            case 1 -> {
                OpenCvNatives.load();
                Mat m = FrameDecoder.decodeJpeg(image);
                try {
                    return "model's OpenCV loader: decoded " + m.cols() + "x" + m.rows();
                } finally {
                    m.release();
                }
            }
            default -> {
                try (ImageFolderSource stills = ImageFolderSource.open(folder);
                        GrabbedFrame still = stills.next();
                        VideoFileSource clip = VideoFileSource.open(video, false);
                        GrabbedFrame frame = clip.next()) {
                    return "ingest's OpenCV loader and FFmpeg: still "
                            + still.image().cols() + "x"
                            + still.image().rows() + ", video frame "
                            + frame.image().cols() + "x"
                            + frame.image().rows();
                }
            }
        }
    }

    private static long opencvCopies(Path tmp) throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("libopencv_java"))
                    .count();
        }
    }
}
