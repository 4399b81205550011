package org.facestream.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.facestream.config.VisionOptions;
import org.facestream.events.ImageFormats;
import org.facestream.model.ModelPack;
import org.facestream.vision.AnalyzedFace;
import org.facestream.vision.FaceAnalyzer;
import org.opencv.core.Mat;

/**
 * Whether two ONNX Runtime execution providers embed alike: every photo under a folder goes through the
 * production analyzer twice, on the reference provider (CPU) and on the one checked (CUDA), one photo at a time,
 * and the embeddings of its highest-scoring face are compared. A GPU build is only trusted when the two agree
 * (cosine above 0.999 on every photo); the detections are compared too (the same number of faces).
 */
public final class ProviderParity {
    private ProviderParity() {}

    /**
     * What to compare.
     *
     * @param photos a folder searched recursively for JPEG and PNG photos
     * @param reference options of the reference analyzer (CPU)
     * @param checked options of the analyzer checked (CUDA)
     */
    public record Options(
            Path photos, ModelPack pack, Path modelsDir, VisionOptions reference, VisionOptions checked) {}

    /**
     * The comparison.
     *
     * @param images photos with a face on both providers
     * @param minCosine the lowest cosine between the two embeddings of a photo's best face
     * @param sameFaceCount photos where both found as many faces
     * @param photos photos compared
     */
    public record Result(int images, double minCosine, double meanCosine, int sameFaceCount, int photos) {
        /** The last line: {@code images=N min_cosine=… mean_cosine=… same_face_count=K/M}. */
        public String line() {
            return String.format(
                    Locale.ROOT,
                    "images=%d min_cosine=%.6f mean_cosine=%.6f same_face_count=%d/%d",
                    images,
                    minCosine,
                    meanCosine,
                    sameFaceCount,
                    photos);
        }
    }

    /** Runs the comparison, one line per photo to {@code out}. */
    public static Result run(Options o, PrintWriter out) throws IOException {
        List<Path> photos;
        try (Stream<Path> files = Files.walk(o.photos())) {
            photos = files.filter(Files::isRegularFile)
                    .filter(ImageFormats::isJpegOrPngName)
                    .sorted()
                    .toList();
        }
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("expected JPEG or PNG photos under " + o.photos() + ", found none");
        }
        int images = 0;
        int sameCount = 0;
        double min = 1;
        double sum = 0;
        try (FaceAnalyzer reference = FaceAnalyzer.open(o.pack(), o.modelsDir(), o.reference());
                FaceAnalyzer checked = FaceAnalyzer.open(o.pack(), o.modelsDir(), o.checked())) {
            for (Path photo : photos) {
                Mat image = reference.decoder().decode(Files.readAllBytes(photo));
                try {
                    List<AnalyzedFace> a = reference.analyze(image);
                    List<AnalyzedFace> b = checked.analyze(image);
                    if (a.size() == b.size()) {
                        sameCount++;
                    }
                    if (a.isEmpty() || b.isEmpty()) {
                        out.printf(Locale.ROOT, "%s faces=%d/%d%n", o.photos().relativize(photo), a.size(), b.size());
                        continue;
                    }
                    double c = a.get(0).cosine(b.get(0));
                    images++;
                    min = Math.min(min, c);
                    sum += c;
                    out.printf(
                            Locale.ROOT,
                            "%s faces=%d/%d cosine=%.6f%n",
                            o.photos().relativize(photo),
                            a.size(),
                            b.size(),
                            c);
                } finally {
                    image.release();
                }
            }
        }
        return new Result(
                images,
                images == 0 ? Double.NaN : min,
                images == 0 ? Double.NaN : sum / images,
                sameCount,
                photos.size());
    }
}
