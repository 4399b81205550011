package org.facestream.detect;

import org.facestream.model.FloatTensor;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.imgproc.Imgproc;

/**
 * A frame scaled so its longer side equals the detector input size, padded right and bottom to multiples of
 * 32, as an NCHW tensor; plus the per-axis scale needed to map results back.
 */
final class DetectorInput {
    final FloatTensor tensor;
    final int width;
    final int height;
    final double scaleX;
    final double scaleY;
    final int sourceWidth;
    final int sourceHeight;

    private DetectorInput(FloatTensor tensor, int width, int height, double scaleX, double scaleY, int sw, int sh) {
        this.tensor = tensor;
        this.width = width;
        this.height = height;
        this.scaleX = scaleX;
        this.scaleY = scaleY;
        this.sourceWidth = sw;
        this.sourceHeight = sh;
    }

    /**
     * @param mean subtracted from every channel before {@code scale} is applied
     * @param swapRb true for networks that take RGB
     */
    static DetectorInput of(Mat bgr, DetectorSettings settings, double mean, double scale, boolean swapRb) {
        requireBgr(bgr);
        int w = bgr.cols();
        int h = bgr.rows();
        double s = (double) settings.inputSideFor(w, h) / Math.max(w, h);
        int rw = Math.max(1, (int) Math.round(w * s));
        int rh = Math.max(1, (int) Math.round(h * s));
        int pw = (rw + 31) / 32 * 32;
        int ph = (rh + 31) / 32 * 32;
        Mat resized = null;
        Mat padded = new Mat();
        Mat blob = null;
        try {
            Mat scaled = bgr;
            if (rw != w || rh != h) {
                resized = new Mat();
                // INTER_LINEAR samples at pixel centres (the recipe measured on LFW); shrinking a large frame with it
                // would alias, so area averaging is used when the frame gets smaller.
                Imgproc.resize(bgr, resized, new Size(rw, rh), 0, 0, s < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
                scaled = resized;
            }
            Core.copyMakeBorder(scaled, padded, 0, ph - rh, 0, pw - rw, Core.BORDER_CONSTANT, new Scalar(0, 0, 0));
            blob = Dnn.blobFromImage(padded, scale, new Size(), new Scalar(mean, mean, mean), swapRb, false);
            float[] data = new float[3 * ph * pw];
            blob.get(new int[] {0, 0, 0, 0}, data);
            return new DetectorInput(
                    new FloatTensor(data, 1, 3, ph, pw), pw, ph, (double) rw / w, (double) rh / h, w, h);
        } finally {
            if (resized != null) {
                resized.release();
            }
            padded.release();
            if (blob != null) {
                blob.release();
            }
        }
    }

    static void requireBgr(Mat image) {
        if (image == null || image.empty()) {
            throw new IllegalArgumentException(
                    "expected a non-empty BGR image, found " + (image == null ? "null" : "an empty Mat"));
        }
        if (image.type() != CvType.CV_8UC3) {
            throw new IllegalArgumentException(
                    "expected an 8-bit 3-channel BGR image (CV_8UC3), found " + CvType.typeToString(image.type()));
        }
    }

    /** Maps an x in network-input pixels back to source pixels (pixel-centre aligned). */
    float sourceX(float x) {
        return (float) ((x + 0.5) / scaleX - 0.5);
    }

    float sourceY(float y) {
        return (float) ((y + 0.5) / scaleY - 0.5);
    }
}
