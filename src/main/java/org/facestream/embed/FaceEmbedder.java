package org.facestream.embed;

import java.util.List;
import org.opencv.core.Mat;

/**
 * Turns aligned face crops into embeddings.
 *
 * <p>Implementations are safe for concurrent {@link #embed} calls; {@link #close} releases the ONNX session
 * and must be called once, after every call has returned.
 */
public interface FaceEmbedder extends AutoCloseable {

    /**
     * Embeds crops produced by the pack's {@code FaceAligner}: 8-bit BGR, exactly the embedder's input size.
     * Crops are not modified or retained.
     *
     * @return one embedding per crop, in order; empty for an empty list
     * @throws IllegalArgumentException when a crop has the wrong size or type
     * @throws org.facestream.model.InferenceException when ONNX Runtime fails
     */
    List<Embedding> embed(List<Mat> alignedCrops);

    /** Length of the embeddings. */
    int dimension();

    @Override
    void close();
}
