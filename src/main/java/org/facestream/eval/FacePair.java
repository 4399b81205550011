package org.facestream.eval;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One line of a pairs file: two images and whether they show the same person.
 *
 * @param first path of the first image
 * @param second path of the second image
 * @param same true for a matched pair (same person)
 * @param fold the fold the file assigns (View 2: 0..9 by position), 0 for View 1 files
 * @param source file name and line number, e.g. {@code pairs.txt:17}, for reports
 */
public record FacePair(Path first, Path second, boolean same, int fold, String source) {
    public FacePair {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Objects.requireNonNull(source, "source");
        if (fold < 0) {
            throw new IllegalArgumentException("expected a fold >= 0, found " + fold);
        }
    }
}
