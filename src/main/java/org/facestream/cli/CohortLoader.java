package org.facestream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.facestream.config.FaceStreamConfig;
import org.facestream.enroll.CohortPhotos;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;

/**
 * The impostor cohort of the adaptive threshold, from {@code matcher.cohort.dir}: the photos are embedded with
 * the production portrait path ({@link CohortPhotos}) and scored as {@link CohortScorer} identities. Used by
 * the matcher role and the in-process pipeline.
 */
final class CohortLoader {
    private CohortLoader() {}

    /** Cohort templates from {@code matcher.cohort.dir} ({@link CohortPhotos}); empty when unset. */
    static Optional<CohortScorer> fromConfig(FaceStreamConfig cfg) {
        String dir = cfg.string(FaceStreamConfig.COHORT_DIR);
        if (dir.isBlank()) {
            return Optional.empty();
        }
        CohortPhotos cohort;
        try (FaceAnalyzer analyzer = FaceAnalyzer.forPortraits(cfg, new MetricsRegistry())) {
            cohort = CohortPhotos.load(analyzer, Path.of(dir));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "expected a readable cohort directory " + dir + ", found " + e.getMessage(), e);
        }
        if (cohort.byPerson().size() < 2) {
            throw new IllegalArgumentException("expected photos of at least 2 cohort people (one face each) in " + dir
                    + ", found " + cohort.byPerson().size());
        }
        System.err.println("facestream matcher: cohort of " + cohort.byPerson().size() + " people (" + cohort.faces()
                + " faces) from " + dir + " (" + cohort.refused() + " photos refused)");
        // named by their folders: hygiene flags, tail lists and audit records say which cohort person it is
        return Optional.of(CohortScorer.ofIdentities(
                List.copyOf(cohort.byPerson().keySet()), cohort.identities(), CohortScorer.DEFAULT_SCALE));
    }
}
