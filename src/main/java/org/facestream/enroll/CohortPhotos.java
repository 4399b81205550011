package org.facestream.enroll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.vision.FaceAnalyzer;

/**
 * The adaptive threshold's impostor cohort from a {@link PhotoFolder}: every photo that shows exactly one face
 * becomes one template of its person, through the production path (the analyzer on the pack's portrait
 * settings), so the cohort scores like the gallery it stands in for.
 *
 * @param byPerson each person's templates (embeddings), people sorted by name, photos in folder order
 * @param refused photos that did not show exactly one face (a person none of whose photos did is left out)
 */
public record CohortPhotos(SortedMap<String, List<float[]>> byPerson, int refused) {
    public CohortPhotos {
        SortedMap<String, List<float[]>> copy = new TreeMap<>();
        byPerson.forEach((person, templates) ->
                copy.put(person, templates.stream().map(float[]::clone).toList()));
        byPerson = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * Embeds the photos of {@code dir}; refusals are counted, not thrown, and in a registry of their own (the
     * cohort is no enrollment).
     *
     * @throws IOException when the folder cannot be listed or a photo cannot be read
     */
    public static CohortPhotos load(FaceAnalyzer analyzer, Path dir) throws IOException {
        Enroller enroller = new Enroller(analyzer, new MetricsRegistry());
        SortedMap<String, List<float[]>> byPerson = new TreeMap<>();
        int refused = 0;
        for (Map.Entry<String, List<Path>> person : PhotoFolder.people(dir).entrySet()) {
            for (Path photo : person.getValue()) {
                try {
                    byPerson.computeIfAbsent(person.getKey(), k -> new ArrayList<>())
                            .add(enroller.template(photo.toString(), Files.readAllBytes(photo))
                                    .embedding());
                } catch (Enroller.EnrollmentException e) {
                    refused++;
                }
            }
        }
        return new CohortPhotos(byPerson, refused);
    }

    /** Each person's templates as an array, people in name order: the shape {@code CohortScorer.ofIdentities} takes. */
    public List<float[][]> identities() {
        return byPerson.values().stream().map(l -> l.toArray(float[][]::new)).toList();
    }

    /** Number of templates, all people together. */
    public int faces() {
        return byPerson.values().stream().mapToInt(List::size).sum();
    }
}
