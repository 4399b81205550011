package org.facestream.align;

import java.util.Arrays;
import org.facestream.model.ModelPack;
import org.facestream.model.OpenCvNatives;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Warps a face to an embedder's template from its five landmarks. Immutable and thread-safe.
 */
public final class FaceAligner {
    /** ArcFace 112x112 template (x, y): eyes, nose tip, mouth corners in the detector's landmark order. */
    private static final double[] ARCFACE_112 = {
        38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041
    };

    private final int width;
    private final int height;
    private final double[] template;

    /**
     * @param height crop height in pixels
     * @param width crop width in pixels
     * @param templateOffsetX added to every x of the ArcFace 112x112 template (-8 for a 112x96 crop)
     */
    public FaceAligner(int height, int width, double templateOffsetX) {
        if (height < 16 || width < 16) {
            throw new IllegalArgumentException("expected a crop of at least 16x16, found " + height + "x" + width);
        }
        this.width = width;
        this.height = height;
        this.template = ARCFACE_112.clone();
        for (int i = 0; i < template.length; i += 2) {
            template[i] += templateOffsetX;
        }
        OpenCvNatives.load();
    }

    /** The aligner for a pack's embedder input and template. */
    public static FaceAligner forPack(ModelPack pack) {
        return new FaceAligner(pack.embedderHeight(), pack.embedderWidth(), pack.templateOffsetX());
    }

    /** Template points x0,y0..x4,y4 in crop pixels. */
    public double[] template() {
        return template.clone();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The transform from source pixels to crop pixels for these landmarks (x0,y0..x4,y4). */
    public SimilarityTransform transformFor(float[] landmarks) {
        if (landmarks == null || landmarks.length != 10) {
            throw new IllegalArgumentException(
                    "expected 10 landmark coordinates, found " + (landmarks == null ? "null" : landmarks.length));
        }
        double[] src = new double[10];
        for (int i = 0; i < 10; i++) {
            src[i] = landmarks[i];
        }
        return SimilarityTransform.estimate(src, template);
    }

    /**
     * The aligned crop ({@code height x width}, same type as {@code image}); bilinear, black outside the
     * image. The caller releases it.
     */
    public Mat align(Mat image, float[] landmarks) {
        if (image == null || image.empty()) {
            throw new IllegalArgumentException(
                    "expected a non-empty image, found " + (image == null ? "null" : "an empty Mat"));
        }
        SimilarityTransform t = transformFor(landmarks);
        Mat m = new Mat(2, 3, CvType.CV_64F);
        Mat crop = new Mat();
        try {
            m.put(0, 0, t.matrix());
            Imgproc.warpAffine(
                    image,
                    crop,
                    m,
                    new Size(width, height),
                    Imgproc.INTER_LINEAR,
                    Core.BORDER_CONSTANT,
                    new Scalar(0, 0, 0, 0));
            return crop;
        } catch (RuntimeException e) {
            crop.release();
            throw e;
        } finally {
            m.release();
        }
    }

    @Override
    public String toString() {
        return "FaceAligner[" + height + "x" + width + ", template=" + Arrays.toString(template) + "]";
    }
}
