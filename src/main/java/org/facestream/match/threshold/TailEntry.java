package org.facestream.match.threshold;

/**
 * One null score a window bucket lists with its owners, so the tail the quantile is read from can be capped per
 * cohort identity and per camera after the windows of every matcher instance are merged.
 *
 * @param score the residual null score {@code c - β·n}
 * @param smoothMax the guard smooth-max n of its probe
 * @param identity the cohort identity that produced it (index into the cohort, or into a report's identity
 *     dictionary), -1 when unknown (no cohort)
 * @param camera the camera that sent its probe, null for the gallery templates that prime the window
 * @param source what the score came from, for evaluation only (never reported): the observation's sequence
 *     number, or {@code -(k+1)} for the k-th priming template
 */
public record TailEntry(double score, double smoothMax, int identity, String camera, long source) {
    public TailEntry {
        if (!Double.isFinite(score) || !Double.isFinite(smoothMax)) {
            throw new IllegalArgumentException(
                    "expected finite score and smooth-max, found " + score + ", " + smoothMax);
        }
        if (identity < -1) {
            throw new IllegalArgumentException("expected an identity index >= -1, found " + identity);
        }
    }
}
