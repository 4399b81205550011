package org.facestream.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.facestream.vision.AnalyzedFace;
import org.facestream.vision.FaceAnalyzer;
import org.opencv.core.Mat;

/**
 * Embeds each distinct image once with the production {@link FaceAnalyzer}, spread over worker threads
 * that each own one analyzer (one ONNX thread each: on small CPUs that beats several intra-op threads), and
 * keeps the face nearest each image's centre. Immutable once computed.
 */
public final class ImageEmbeddings {
    private final Map<Path, ImageFace> faces;

    private ImageEmbeddings(Map<Path, ImageFace> faces) {
        this.faces = Map.copyOf(faces);
    }

    /**
     * Embeds every distinct image of the pairs.
     *
     * @param images image files; duplicates are embedded once
     * @param analyzers opens one analyzer per worker thread; each is closed when its thread is done
     * @param threads worker threads, at least 1
     * @param progress where the progress bar goes (stderr), or null for none
     * @throws EvaluationException naming the image when one cannot be read or decoded
     */
    public static ImageEmbeddings compute(
            List<Path> images, Supplier<FaceAnalyzer> analyzers, int threads, PrintStream progress) {
        return compute(images, analyzers, threads, progress, FaceSelection.Rule.NEAREST_CENTRE);
    }

    /**
     * As {@link #compute(List, Supplier, int, PrintStream)}, keeping the face {@code rule} picks; the analyzers
     * must embed every detected face (not only the one nearest the centre) for {@link FaceSelection.Rule#LARGEST}.
     */
    public static ImageEmbeddings compute(
            List<Path> images,
            Supplier<FaceAnalyzer> analyzers,
            int threads,
            PrintStream progress,
            FaceSelection.Rule rule) {
        return compute(images, analyzers, threads, progress, rule, ImageDegradation.NONE, null);
    }

    /**
     * As {@link #compute(List, Supplier, int, PrintStream, FaceSelection.Rule)}, degrading each decoded image
     * first (drift simulations) and reusing the faces {@code cache} holds; new faces are added to it (the
     * caller saves it). The analyzers, rule and degradation must be those the cache was opened for.
     */
    public static ImageEmbeddings compute(
            List<Path> images,
            Supplier<FaceAnalyzer> analyzers,
            int threads,
            PrintStream progress,
            FaceSelection.Rule rule,
            ImageDegradation degradation,
            EmbeddingCache cache) {
        if (threads < 1) {
            throw new IllegalArgumentException("expected at least one thread, found " + threads);
        }
        List<Path> distinct = new ArrayList<>();
        Map<Path, ImageFace> out = new ConcurrentHashMap<>();
        for (Path image : new LinkedHashSet<>(images)) {
            ImageFace cached = cache == null ? null : cache.get(image);
            if (cached != null) {
                out.put(image, cached);
            } else {
                distinct.add(image);
            }
        }
        if (cache != null && progress != null && !out.isEmpty()) {
            progress.println("embedding cache: " + out.size() + " images reused, " + distinct.size() + " to embed");
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ProgressBar bar = new ProgressBar(progress, "embedding", distinct.size());
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, Math.max(1, distinct.size())); t++) {
            workers.add(Thread.ofPlatform().name("eval-embed-" + t).start(() -> {
                try (FaceAnalyzer analyzer = analyzers.get()) {
                    for (int i; failure.get() == null && (i = next.getAndIncrement()) < distinct.size(); ) {
                        Path image = distinct.get(i);
                        out.put(image, embed(analyzer, image, rule, degradation));
                        bar.step();
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EvaluationException("interrupted while embedding images", e);
            }
        }
        bar.done();
        if (failure.get() != null) {
            throw failure.get();
        }
        if (cache != null) {
            distinct.forEach(image -> cache.put(out.get(image)));
        }
        return new ImageEmbeddings(out);
    }

    /** Decodes one image, analyses it and keeps the face nearest its centre. */
    static ImageFace embed(FaceAnalyzer analyzer, Path image) {
        return embed(analyzer, image, FaceSelection.Rule.NEAREST_CENTRE);
    }

    /** Decodes one image, analyses it and keeps the face {@code rule} picks. */
    static ImageFace embed(FaceAnalyzer analyzer, Path image, FaceSelection.Rule rule) {
        return embed(analyzer, image, rule, ImageDegradation.NONE);
    }

    /** Decodes one image, degrades it, analyses it and keeps the face {@code rule} picks. */
    static ImageFace embed(FaceAnalyzer analyzer, Path image, FaceSelection.Rule rule, ImageDegradation degradation) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new EvaluationException("image " + image + ": expected a readable file, found " + e, e);
        }
        Mat bgr;
        try {
            bgr = analyzer.decoder().decode(bytes);
        } catch (RuntimeException e) {
            throw new EvaluationException("image " + image + ": " + e.getMessage(), e);
        }
        try {
            degradation.applyInPlace(bgr);
            List<AnalyzedFace> found = analyzer.analyze(bgr);
            AnalyzedFace chosen = FaceSelection.choose(rule, found, bgr.cols(), bgr.rows());
            boolean fallback =
                    found.size() == 1 && SubjectFaceDetector.isFallback(chosen.face(), bgr.cols(), bgr.rows());
            return new ImageFace(image, bgr.cols(), bgr.rows(), chosen, fallback ? 0 : found.size());
        } finally {
            bgr.release();
        }
    }

    /** The face of an image that was embedded. */
    public ImageFace face(Path image) {
        ImageFace f = faces.get(image);
        if (f == null) {
            throw new IllegalArgumentException(
                    "expected an embedded image, found " + image + " (not among the " + faces.size() + " embedded)");
        }
        return f;
    }

    /** Cosine similarity of two embedded images' faces, in [-1, 1]. */
    public double cosine(Path first, Path second) {
        return face(first).face().cosine(face(second).face());
    }

    /** Number of distinct images embedded. */
    public int size() {
        return faces.size();
    }

    /** Images where no face was detected (their centre fallback was embedded), sorted by path. */
    public List<Path> noFace() {
        return faces.values().stream()
                .filter(ImageFace::fallback)
                .map(ImageFace::image)
                .sorted()
                .toList();
    }

    /** Every embedded image's face. */
    public Map<Path, ImageFace> all() {
        return faces;
    }
}
