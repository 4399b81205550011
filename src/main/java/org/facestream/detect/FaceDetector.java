package org.facestream.detect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facestream.model.DetectorKind;
import org.facestream.model.ExecutionProvider;
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

    /**
     * Detects faces in several images, e.g. the frames of several cameras; a detector whose graph and execution
     * provider gain from batches (SCRFD on CUDA) runs images of one input size together, others one at a time.
     *
     * @return one list per image, in order, as {@link #detect(Mat)} returns it
     */
    default List<List<DetectedFace>> detect(List<Mat> bgrImages) {
        List<List<DetectedFace>> out = new ArrayList<>(bgrImages.size());
        for (Mat image : bgrImages) {
            out.add(detect(image));
        }
        return out;
    }

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
                case YUNET -> new YuNetDetector(model, settings); // its graph's batch is fixed at 1
                // batches pay on a GPU; on a CPU one image at a time is as fast and keeps memory flat
                case SCRFD -> new ScrfdDetector(model, settings, onnx.provider() == ExecutionProvider.CPU ? 1 : 8);
            };
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
