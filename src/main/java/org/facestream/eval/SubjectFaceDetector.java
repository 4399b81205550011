package org.facestream.eval;

import java.util.List;
import java.util.Objects;
import org.facestream.detect.DetectedFace;
import org.facestream.detect.DetectorSettings;
import org.facestream.detect.FaceDetector;
import org.facestream.events.BoundingBox;
import org.opencv.core.Mat;

/**
 * A detector for images that show one subject near their centre (LFW). Where the wrapped detector finds no
 * face it reports one face with the landmark layout of an LFW image (mean YuNet landmarks on LFW View 1, as
 * fractions of the image size) and score 0: LFW images were cut around a Viola-Jones detection, so the
 * centre is still the best guess; the pair is scored on that crop instead of being dropped, and the miss is
 * counted ({@link #isFallback}). With {@code nearestCentreOnly} it reports only the face nearest the centre,
 * so the analyzer embeds that crop alone (a batch of one) instead of every face of the image together.
 * Thread safety and closing as the wrapped detector; owns it.
 */
final class SubjectFaceDetector implements FaceDetector {
    /**
     * Eyes, nose tip, mouth corners as fractions of width and height: the mean of the landmarks YuNet found at
     * input 320 on the 4,992 images of LFW View 1 (printed by {@code facestream eval verify}; 0 misses there).
     */
    static final double[] LFW_LAYOUT = {0.4137, 0.4497, 0.5861, 0.4471, 0.5002, 0.5518, 0.4267, 0.6310, 0.5764, 0.6290};
    /** Box of the fallback face, as fractions: the Viola-Jones box LFW was cut around (1 / 2.2 of the image). */
    private static final double BOX = 1 / 2.2;

    private final FaceDetector delegate;
    private final boolean nearestCentreOnly;

    SubjectFaceDetector(FaceDetector delegate, boolean nearestCentreOnly) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.nearestCentreOnly = nearestCentreOnly;
    }

    @Override
    public List<DetectedFace> detect(Mat bgrImage) {
        List<DetectedFace> faces = delegate.detect(bgrImage);
        if (faces.isEmpty()) {
            return List.of(fallback(bgrImage.cols(), bgrImage.rows()));
        }
        return nearestCentreOnly
                ? List.of(FaceSelection.nearestCentreFace(faces, bgrImage.cols(), bgrImage.rows()))
                : faces;
    }

    /** The face reported for an image of this size when the detector finds none. */
    static DetectedFace fallback(int width, int height) {
        float[] lm = new float[10];
        for (int i = 0; i < 10; i += 2) {
            lm[i] = (float) (LFW_LAYOUT[i] * width);
            lm[i + 1] = (float) (LFW_LAYOUT[i + 1] * height);
        }
        float bw = (float) (BOX * width);
        float bh = (float) (BOX * height);
        return new DetectedFace(new BoundingBox((width - bw) / 2, (height - bh) / 2, bw, bh), lm, 0f);
    }

    /** True when {@code face} is the fallback for an image of this size rather than a detection. */
    static boolean isFallback(DetectedFace face, int width, int height) {
        return face.score() == 0f && face.equals(fallback(width, height));
    }

    @Override
    public DetectorSettings settings() {
        return delegate.settings();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
