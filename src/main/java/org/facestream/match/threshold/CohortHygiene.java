package org.facestream.match.threshold;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Cohort hygiene: which cohort identities look like an enrolled subject. Every real cohort holds some people
 * who are also in the gallery under another name (LFW's own: Hasan_Wirayuda and Hassan_Wirajuda at 0.61,
 * Sung_Hong_Choi and Choi_Sung-hong at 0.67), and such an identity turns each probe of that subject into a
 * genuine score in the null window. For each identity j it keeps {@code h_j}, the best cosine between any of
 * j's templates and any gallery template, and {@code X_j}, the subject that gives it; {@code h_j} at or above
 * {@link FpirPolicy.Contamination#hygieneCosine()} flags j: the caller logs, counts and audits the flag, and
 * j is left out of every null score while it stands (the level then counts only the usable identities).
 *
 * <p>Kept in step with the gallery: {@link #recompute} when the cohort loads or the gallery is rebuilt, {@link
 * #upserted} and {@link #removed} on each change, which only score the changed subject's templates and
 * recompute the identities whose {@code X_j} it was.
 *
 * <p>Measured (issue 12, seeds 1-5): it flagged 29-32 of the 31-32 duplicates injected at 5% of the cohort, and
 * 0-5 clean identities per seed (LFW's own mislabels and look-alikes at 0.40-0.44).
 *
 * <p>Thread-safe: changes are serialised, and {@link #excluded()} hands out an immutable snapshot.
 */
public final class CohortHygiene {
    /** The gallery's best subject for one template; implemented by the matcher over its index. */
    @FunctionalInterface
    public interface Gallery {
        /** The best-scoring subject for a unit-length template, or null when the gallery is empty. */
        Best best(float[] template);
    }

    /** A subject and its cosine. */
    public record Best(String subjectId, double cosine) {
        public Best {
            Objects.requireNonNull(subjectId, "subjectId");
        }
    }

    /**
     * A flagged (or cleared) cohort identity.
     *
     * @param identity the cohort identity's index
     * @param name its name
     * @param subjectId the enrolled subject it resembles most, X_j
     * @param cosine h_j, the best cosine between their templates
     */
    public record Flag(int identity, String name, String subjectId, double cosine) {}

    /** A change of flag: {@code flagged} true when the identity became flagged, false when it was cleared. */
    public record Change(Flag flag, boolean flagged) {}

    /** Which identities are left out and how many remain usable. */
    public record Exclusions(boolean[] excluded, int usableIdentities, int usableTemplates, List<Flag> flags) {
        public Exclusions {
            excluded = excluded.clone();
            flags = List.copyOf(flags);
        }

        @Override
        public boolean[] excluded() {
            return excluded.clone();
        }

        boolean isExcluded(int identity) {
            return excluded[identity];
        }
    }

    private final CohortScorer cohort;
    private final double cosine;
    private final double[] best;
    private final String[] bestSubject;
    private volatile Exclusions exclusions;

    /** Hygiene of {@code cohort} at {@code cosine}, nothing flagged until the first {@link #recompute}. */
    public CohortHygiene(CohortScorer cohort, double cosine) {
        this.cohort = Objects.requireNonNull(cohort, "cohort");
        this.cosine = cosine;
        this.best = new double[cohort.size()];
        this.bestSubject = new String[cohort.size()];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        this.exclusions = snapshot();
    }

    /** The identities left out now (an immutable snapshot: read it once per probe). */
    public Exclusions exclusions() {
        return exclusions;
    }

    /** Per identity whether it is left out now (a copy). */
    public boolean[] excluded() {
        return exclusions.excluded();
    }

    /** The cut-off h_j is flagged at. */
    public double cosine() {
        return cosine;
    }

    /** Recomputes every identity against the whole gallery: on load and after the gallery was rebuilt. */
    public synchronized List<Change> recompute(Gallery gallery) {
        Exclusions before = exclusions;
        for (int j = 0; j < cohort.size(); j++) {
            rescore(j, gallery);
        }
        return publish(before);
    }

    /**
     * Subject {@code subjectId} was enrolled or replaced with {@code templates} (unit length): every identity is
     * scored against them, and those whose best subject it was are recomputed against the whole gallery (its
     * new templates may score lower than its old ones).
     */
    public synchronized List<Change> upserted(String subjectId, List<float[]> templates, Gallery gallery) {
        Exclusions before = exclusions;
        for (int j = 0; j < cohort.size(); j++) {
            if (subjectId.equals(bestSubject[j])) {
                rescore(j, gallery);
                continue;
            }
            for (float[] t : templates) {
                double c = cohort.cosine(j, t);
                if (c > best[j]) {
                    best[j] = c;
                    bestSubject[j] = subjectId;
                }
            }
        }
        return publish(before);
    }

    /** Subject {@code subjectId} was erased: the identities whose best subject it was are recomputed. */
    public synchronized List<Change> removed(String subjectId, Gallery gallery) {
        Exclusions before = exclusions;
        for (int j = 0; j < cohort.size(); j++) {
            if (subjectId.equals(bestSubject[j])) {
                rescore(j, gallery);
            }
        }
        return publish(before);
    }

    private void rescore(int j, Gallery gallery) {
        best[j] = Double.NEGATIVE_INFINITY;
        bestSubject[j] = null;
        for (float[] t : cohort.templates(j)) {
            Best b = gallery.best(t);
            if (b != null && b.cosine() > best[j]) {
                best[j] = b.cosine();
                bestSubject[j] = b.subjectId();
            }
        }
    }

    private List<Change> publish(Exclusions before) {
        Exclusions after = snapshot();
        exclusions = after;
        List<Change> changes = new ArrayList<>();
        for (Flag f : after.flags()) {
            if (!before.isExcluded(f.identity())) {
                changes.add(new Change(f, true));
            }
        }
        for (Flag f : before.flags()) {
            if (!after.isExcluded(f.identity())) {
                changes.add(new Change(f, false));
            }
        }
        return changes;
    }

    private Flag flagOf(int j) {
        return new Flag(j, cohort.name(j), bestSubject[j], best[j]);
    }

    private Exclusions snapshot() {
        boolean[] excluded = new boolean[cohort.size()];
        List<Flag> flags = new ArrayList<>();
        int identities = 0;
        int templates = 0;
        for (int j = 0; j < cohort.size(); j++) {
            excluded[j] = bestSubject[j] != null && best[j] >= cosine;
            if (excluded[j]) {
                flags.add(flagOf(j));
            } else {
                identities++;
                templates += cohort.templateCount(j);
            }
        }
        return new Exclusions(excluded, identities, templates, flags);
    }
}
