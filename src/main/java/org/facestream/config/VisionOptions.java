package org.facestream.config;

import org.facestream.model.ModelPack;

/**
 * How a face analyzer ({@code org.facestream.vision.FaceAnalyzer}) runs.
 *
 * @param detectorInputSize the frame's longer side is scaled to this many pixels for detection (multiple of 32)
 * @param scoreThreshold detector score below which faces are dropped, in [0, 1]
 * @param nmsIouThreshold IoU above which overlapping detections are merged, in (0, 1]
 * @param flip also embed each crop's mirror image (more accurate, twice the embedder time)
 * @param cuda run both models with the CUDA execution provider (needs the {@code -Pcuda} build)
 * @param threads ONNX Runtime intra-op threads per model, at least 1
 * @param maxPixels largest frame (width x height) the frame decoder accepts
 * @param thumbnails keep a small JPEG of every aligned face in each analysed face
 * @param detectorFollowsFrame detect a frame smaller than {@code detectorInputSize} at its own size instead of
 *     upscaling it (camera frames); false scales every image to {@code detectorInputSize} (portraits, LFW)
 * @param refineLandmarks place the landmarks of every face that is embedded again with SCRFD-500M on the region
 *     around it, before alignment
 */
public record VisionOptions(
        int detectorInputSize,
        float scoreThreshold,
        float nmsIouThreshold,
        boolean flip,
        boolean cuda,
        int threads,
        long maxPixels,
        boolean thumbnails,
        boolean detectorFollowsFrame,
        boolean refineLandmarks) {
    /** 40 megapixels: above any camera frame FaceStream expects (4K is 8.3 MP), far below a decompression bomb. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public VisionOptions {
        if (detectorInputSize < 64 || detectorInputSize > 4096 || detectorInputSize % 32 != 0) {
            throw new IllegalArgumentException(
                    "expected detectorInputSize a multiple of 32 in [64, 4096], found " + detectorInputSize);
        }
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) {
            throw new IllegalArgumentException("expected scoreThreshold in [0, 1], found " + scoreThreshold);
        }
        if (!(nmsIouThreshold > 0 && nmsIouThreshold <= 1)) {
            throw new IllegalArgumentException("expected nmsIouThreshold in (0, 1], found " + nmsIouThreshold);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("expected threads in [1, 256], found " + threads);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("expected positive maxPixels, found " + maxPixels);
        }
    }

    /** Options that scale every image to the detector input size. */
    public VisionOptions(
            int detectorInputSize,
            float scoreThreshold,
            float nmsIouThreshold,
            boolean flip,
            boolean cuda,
            int threads,
            long maxPixels,
            boolean thumbnails) {
        this(
                detectorInputSize,
                scoreThreshold,
                nmsIouThreshold,
                flip,
                cuda,
                threads,
                maxPixels,
                thumbnails,
                false,
                false);
    }

    /** The pack's detector size and thresholds, no flip, CPU, one thread, 40 MP limit, no thumbnails. */
    public static VisionOptions defaults(ModelPack pack) {
        return new VisionOptions(
                pack.detectorInputSize(),
                pack.detectorKind().defaultScoreThreshold(),
                pack.detectorKind().defaultNmsIouThreshold(),
                false,
                false,
                1,
                DEFAULT_MAX_PIXELS,
                false);
    }

    public VisionOptions withFlip(boolean on) {
        return new VisionOptions(
                detectorInputSize,
                scoreThreshold,
                nmsIouThreshold,
                on,
                cuda,
                threads,
                maxPixels,
                thumbnails,
                detectorFollowsFrame,
                refineLandmarks);
    }

    public VisionOptions withDetectorInputSize(int size) {
        return new VisionOptions(
                size,
                scoreThreshold,
                nmsIouThreshold,
                flip,
                cuda,
                threads,
                maxPixels,
                thumbnails,
                detectorFollowsFrame,
                refineLandmarks);
    }

    public VisionOptions withThumbnails(boolean on) {
        return new VisionOptions(
                detectorInputSize,
                scoreThreshold,
                nmsIouThreshold,
                flip,
                cuda,
                threads,
                maxPixels,
                on,
                detectorFollowsFrame,
                refineLandmarks);
    }

    /** With {@code on}, frames smaller than the detector input are detected at their own size. */
    public VisionOptions withDetectorFollowingFrame(boolean on) {
        return new VisionOptions(
                detectorInputSize,
                scoreThreshold,
                nmsIouThreshold,
                flip,
                cuda,
                threads,
                maxPixels,
                thumbnails,
                on,
                refineLandmarks);
    }

    /** With {@code on}, the landmarks of every face embedded are placed again by SCRFD on the region around it. */
    public VisionOptions withRefinedLandmarks(boolean on) {
        return new VisionOptions(
                detectorInputSize,
                scoreThreshold,
                nmsIouThreshold,
                flip,
                cuda,
                threads,
                maxPixels,
                thumbnails,
                detectorFollowsFrame,
                on);
    }

    /** With another detector score threshold. */
    public VisionOptions withScoreThreshold(float threshold) {
        return new VisionOptions(
                detectorInputSize,
                threshold,
                nmsIouThreshold,
                flip,
                cuda,
                threads,
                maxPixels,
                thumbnails,
                detectorFollowsFrame,
                refineLandmarks);
    }
}
