package org.facestream.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A detector and an embedder that are used together, with every setting the rest of the pipeline must
 * agree on. Embeddings from different packs are not comparable, so every event carries the pack id.
 *
 * @param id stable pack id, e.g. {@code yunet-w600k-int8}
 * @param description one line for humans
 * @param detector the detector's ONNX file
 * @param detectorKind which decoding the detector's outputs need
 * @param detectorInputSize longer side, in pixels, that frames are resized to before detection (a multiple of
 *     32; 320 suits LFW-like portraits and camera frames with faces of 10 to 300 px after scaling)
 * @param embedder the embedder's ONNX file
 * @param embedderHeight embedder input height in pixels
 * @param embedderWidth embedder input width in pixels (112, or 96 for the CASIA MobileFaceNet)
 * @param channelOrder channel order of the embedder input
 * @param pixelMean subtracted from every 0..255 channel value before scaling
 * @param pixelScale multiplied after subtracting the mean: input = (value - mean) * scale
 * @param templateOffsetX added to the x of the ArcFace 112x112 template (-8 for a 96-wide crop)
 * @param embeddingDimension length of the embedding vector
 * @param licence licence of the weights, as its publisher states it
 * @param nonCommercial true when the weights may not be used commercially
 * @param defaultCosineThreshold fixed cosine in [-1, 1] above which two faces are called the same person when
 *     no calibrated threshold is available
 */
public record ModelPack(
        String id,
        String description,
        ModelFile detector,
        DetectorKind detectorKind,
        int detectorInputSize,
        ModelFile embedder,
        int embedderHeight,
        int embedderWidth,
        ChannelOrder channelOrder,
        float pixelMean,
        float pixelScale,
        float templateOffsetX,
        int embeddingDimension,
        String licence,
        boolean nonCommercial,
        float defaultCosineThreshold) {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    public ModelPack {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("expected a pack id of [a-z0-9._-], found " + id);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(detectorKind, "detectorKind");
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(licence, "licence");
        if (detectorInputSize < 32 || detectorInputSize % 32 != 0) {
            throw new IllegalArgumentException(
                    "expected detectorInputSize a positive multiple of 32, found " + detectorInputSize);
        }
        if (embedderHeight < 16 || embedderWidth < 16) {
            throw new IllegalArgumentException(
                    "expected embedder input of at least 16x16, found " + embedderHeight + "x" + embedderWidth);
        }
        if (!(pixelScale > 0) || !Float.isFinite(pixelScale) || !Float.isFinite(pixelMean)) {
            throw new IllegalArgumentException(
                    "expected finite mean and positive scale, found " + pixelMean + ", " + pixelScale);
        }
        if (!Float.isFinite(templateOffsetX)) {
            throw new IllegalArgumentException("expected finite templateOffsetX, found " + templateOffsetX);
        }
        if (embeddingDimension < 1) {
            throw new IllegalArgumentException("expected positive embeddingDimension, found " + embeddingDimension);
        }
        if (!(defaultCosineThreshold >= -1 && defaultCosineThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "expected defaultCosineThreshold in [-1, 1], found " + defaultCosineThreshold);
        }
    }

    /** True when both files have pinned checksums, so the pack can be verified and opened. */
    public boolean isPinned() {
        return detector.sha256() != null && embedder.sha256() != null;
    }
}
