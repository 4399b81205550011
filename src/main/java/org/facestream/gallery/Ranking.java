package org.facestream.gallery;

import java.util.List;

/**
 * The result of one gallery search: the top-k subjects, best first, each scored by its best template.
 *
 * @param candidates at most k subjects, best first; ties broken by subject id so results do not depend on
 *     the order templates were loaded
 * @param secondBestScore the score of the second-best subject whether or not k reached it; -1 when fewer
 *     than two subjects are enrolled (the margin to the best is an ambiguity cue for policies)
 * @param galleryVersion {@link GalleryIndex#version()} at the time of the search
 * @param subjectsSearched number of subjects compared
 * @param templatesSearched number of templates compared
 */
public record Ranking(
        List<SubjectScore> candidates,
        double secondBestScore,
        long galleryVersion,
        int subjectsSearched,
        int templatesSearched) {
    public Ranking {
        candidates = List.copyOf(candidates);
        if (!(secondBestScore >= -1 && secondBestScore <= 1)) {
            throw new IllegalArgumentException("expected secondBestScore in [-1, 1], found " + secondBestScore);
        }
    }

    /** A ranking against an empty gallery. */
    public static Ranking empty(long galleryVersion) {
        return new Ranking(List.of(), -1, galleryVersion, 0, 0);
    }

    public boolean isEmpty() {
        return candidates.isEmpty();
    }

    /** The best subject, or null for an empty gallery. */
    public SubjectScore best() {
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    /** The best score, -1 for an empty gallery (no subject can be less similar). */
    public double bestScore() {
        return candidates.isEmpty() ? -1 : candidates.get(0).score();
    }

    /** The best subject's id, or null for an empty gallery. */
    public String bestSubjectId() {
        return candidates.isEmpty() ? null : candidates.get(0).subjectId();
    }
}
