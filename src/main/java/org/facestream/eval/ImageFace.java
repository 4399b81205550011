package org.facestream.eval;

import java.nio.file.Path;
import java.util.Objects;
import org.facestream.vision.AnalyzedFace;

/**
 * The face an evaluation uses for one image.
 *
 * @param image the image file
 * @param width image width in pixels
 * @param height image height in pixels
 * @param face the chosen face (nearest the image centre), or the centre fallback when none was detected
 * @param detectedFaces number of faces the detector reported (0 means {@code face} is the fallback)
 */
public record ImageFace(Path image, int width, int height, AnalyzedFace face, int detectedFaces) {
    public ImageFace {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(face, "face");
        if (width < 1 || height < 1 || detectedFaces < 0) {
            throw new IllegalArgumentException("expected a positive size and a face count >= 0, found " + width + "x"
                    + height + " and " + detectedFaces);
        }
    }

    /** True when no face was detected and the centre fallback was embedded instead. */
    public boolean fallback() {
        return detectedFaces == 0;
    }
}
