package org.facestream.detect;

import java.nio.file.Path;
import java.util.List;
import org.facestream.model.DetectorKind;
import org.facestream.model.OnnxModel;
import org.facestream.model.OnnxOptions;
import org.opencv.core.Mat;

/**
 * Finds faces and their five landmarks in a frame.
 *
 * <p>Implementations are safe for concurrent {@link #detect} calls from several threads (they keep no
 * per-call state outside the call); {@link #close} releases the ONNX session and must be called once, after
 * every call has returned.
 */
public interface FaceDetector extends AutoCloseable {

    /**
     * Detects faces in an 8-bit, 3-channel BGR image (what {@code Imgcodecs.imdecode} returns).
     *
     * @param bgrImage the frame; not modified and not retained
     * @return faces with score at least the configured threshold after non-maximum suppression, highest score
     *     first, coordinates in pixels of {@code bgrImage}; empty when there is none
     * @throws IllegalArgumentException when the image is empty or not 8-bit BGR
     * @throws org.facestream.model.InferenceException when ONNX Runtime fails
     */
    List<DetectedFace> detect(Mat bgrImage);

    /** The settings this detector was built with. */
    DetectorSettings settings();

    @Override
    void close();

    /**
     * Opens the detector of a family on a model file (verify it with {@code ModelFiles} first).
     *
     * @param kind which decoding the file's outputs need
     * @param file the ONNX file
     * @param settings input size and thresholds
     * @param onnx session options
     */
    static FaceDetector open(DetectorKind kind, Path file, DetectorSettings settings, OnnxOptions onnx) {
        OnnxModel model = OnnxModel.open(file, file.getFileName().toString(), onnx);
        try {
            return switch (kind) {
                case YUNET -> new YuNetDetector(model, settings);
                case SCRFD -> new ScrfdDetector(model, settings);
            };
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
