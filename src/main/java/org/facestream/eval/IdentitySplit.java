package org.facestream.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded open-set split of labelled identities: about half become the gallery (enrolled from up to {@link
 * #MAX_TEMPLATES} images, their other images are mated probes), a fifth the impostor cohort (enrolled the
 * same way, so a cohort identity scores like a gallery subject) and the rest unknown (every image a
 * non-mated probe). An identity with a single image can be enrolled but leaves no mated probe, so it only
 * goes to the cohort or the unknowns. The same images and seed give the same split.
 *
 * @param enrolled gallery subjects and their enrollment images
 * @param mated gallery subjects and their probe images (each at least one)
 * @param cohort cohort identities and their template images
 * @param unknown identities not enrolled anywhere and all their images
 */
public record IdentitySplit(
        Map<String, List<Path>> enrolled,
        Map<String, List<Path>> mated,
        Map<String, List<Path>> cohort,
        Map<String, List<Path>> unknown) {
    /** Templates per gallery subject and per cohort identity, at most. */
    public static final int MAX_TEMPLATES = 3;

    static final double GALLERY_SHARE = 0.5;
    static final double COHORT_SHARE = 0.2;

    public IdentitySplit {
        enrolled = Collections.unmodifiableMap(new LinkedHashMap<>(enrolled));
        mated = Collections.unmodifiableMap(new LinkedHashMap<>(mated));
        cohort = Collections.unmodifiableMap(new LinkedHashMap<>(cohort));
        unknown = Collections.unmodifiableMap(new LinkedHashMap<>(unknown));
    }

    /**
     * The same gallery with the cohort dealt again, for measuring how the threshold depends on the cohort's size:
     * the non-gallery identities in this split's order (cohort, then unknown) form a pool; the last {@code
     * unknownKept} of it are the unknown people whatever the cohort size, and the cohort is the first {@code
     * cohortSize} of the pool (an unknown person joining the cohort is enrolled from its first {@value
     * #MAX_TEMPLATES} images; a cohort identity left unknown brings only its cohort images).
     *
     * @throws IllegalArgumentException when the pool holds fewer than {@code cohortSize + unknownKept} identities
     */
    public IdentitySplit withCohortSize(int cohortSize, int unknownKept) {
        List<Map.Entry<String, List<Path>>> pool = new ArrayList<>(cohort.entrySet());
        pool.addAll(unknown.entrySet());
        if (cohortSize < 2 || unknownKept < 1 || cohortSize > pool.size() - unknownKept) {
            throw new IllegalArgumentException("expected at least 2 cohort identities and 1 unknown, at most "
                    + (pool.size() - unknownKept) + " cohort identities beside " + unknownKept
                    + " unknown, found --cohort-size " + cohortSize + " and --unknown-size " + unknownKept);
        }
        Map<String, List<Path>> newCohort = new LinkedHashMap<>();
        for (Map.Entry<String, List<Path>> e : pool.subList(0, cohortSize)) {
            List<Path> images = e.getValue();
            newCohort.put(e.getKey(), List.copyOf(images.subList(0, Math.min(MAX_TEMPLATES, images.size()))));
        }
        Map<String, List<Path>> newUnknown = new LinkedHashMap<>();
        for (Map.Entry<String, List<Path>> e : pool.subList(pool.size() - unknownKept, pool.size())) {
            newUnknown.put(e.getKey(), e.getValue());
        }
        return new IdentitySplit(enrolled, mated, newCohort, newUnknown);
    }

    /**
     * Splits identities with the given seed.
     *
     * @param images per identity its images (identities with none are ignored)
     * @throws IllegalArgumentException when there are too few identities for a gallery subject, two cohort
     *     identities and one unknown
     */
    public static IdentitySplit of(Map<String, List<Path>> images, long seed) {
        Random random = new Random(seed);
        List<String> ids = new ArrayList<>();
        // sorted first, so the split depends on the seed and the data only, not on the map's iteration order
        new TreeMap<>(images).forEach((id, list) -> {
            if (list != null && !list.isEmpty()) {
                ids.add(id);
            }
        });
        Collections.shuffle(ids, random);
        int galleryTarget = (int) Math.round(GALLERY_SHARE * ids.size());
        int cohortTarget = Math.max(2, (int) Math.round(COHORT_SHARE * ids.size()));
        Map<String, List<Path>> enrolled = new LinkedHashMap<>();
        Map<String, List<Path>> mated = new LinkedHashMap<>();
        Map<String, List<Path>> cohort = new LinkedHashMap<>();
        Map<String, List<Path>> unknown = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (String id : ids) {
            List<Path> own = new ArrayList<>(images.get(id));
            Collections.sort(own);
            Collections.shuffle(own, random);
            if (enrolled.size() < galleryTarget && own.size() >= 2) {
                int k = Math.min(MAX_TEMPLATES, own.size() - 1);
                enrolled.put(id, List.copyOf(own.subList(0, k)));
                mated.put(id, List.copyOf(own.subList(k, own.size())));
            } else {
                rest.add(id);
            }
        }
        for (String id : rest) {
            List<Path> own = new ArrayList<>(images.get(id));
            Collections.sort(own);
            if (cohort.size() < cohortTarget) {
                Collections.shuffle(own, random);
                cohort.put(id, List.copyOf(own.subList(0, Math.min(MAX_TEMPLATES, own.size()))));
            } else {
                unknown.put(id, List.copyOf(own));
            }
        }
        if (enrolled.isEmpty() || cohort.size() < 2 || unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected identities for at least 1 gallery subject (2+ images), 2 cohort "
                            + "identities and 1 unknown, found " + ids.size() + " identities giving " + enrolled.size()
                            + " gallery, "
                            + cohort.size() + " cohort, " + unknown.size() + " unknown");
        }
        return new IdentitySplit(enrolled, mated, cohort, unknown);
    }
}
