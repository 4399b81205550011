package org.facestream.gallery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.facestream.events.Template;

/**
 * Chooses a subject's sub-centre templates from several enrollment images: the templates are clustered
 * (single linkage, an edge where two templates' cosine reaches {@code outlierCosine}), the dominant cluster
 * is kept and up to k of its templates are chosen for diversity (farthest-point order from its medoid: pose
 * and lighting variants help a max-over-templates search); the rest are outliers.
 *
 * <p>Why: one mislabelled enrollment photo enrolled as a sub-centre makes the subject match a stranger
 * (the reference study saw max-over-templates suffer from exactly that), so outliers are reported for a
 * person to check, never trusted alone. Pure and stateless.
 */
public final class SubCenterTemplates {
    private SubCenterTemplates() {}

    /**
     * @param subCenters the chosen templates, medoid first, at most k
     * @param inliers every template of the dominant cluster (the sub-centres among them)
     * @param outliers templates outside the dominant cluster, for review
     */
    public record Selection(List<Template> subCenters, List<Template> inliers, List<Template> outliers) {
        public Selection {
            subCenters = List.copyOf(subCenters);
            inliers = List.copyOf(inliers);
            outliers = List.copyOf(outliers);
        }
    }

    /**
     * @param templates one or more L2-normalised templates of the same dimension
     * @param k maximum sub-centres, at least 1
     * @param outlierCosine cosine at which two templates count as the same person, in (-1, 1)
     */
    public static Selection select(List<Template> templates, int k, double outlierCosine) {
        if (templates == null || templates.isEmpty()) {
            throw new IllegalArgumentException("expected at least one template, found none");
        }
        if (k < 1) {
            throw new IllegalArgumentException("expected k >= 1, found " + k);
        }
        if (!(outlierCosine > -1 && outlierCosine < 1)) {
            throw new IllegalArgumentException("expected outlierCosine in (-1, 1), found " + outlierCosine);
        }
        int n = templates.size();
        float[][] e = new float[n][];
        for (int i = 0; i < n; i++) {
            e[i] = templates.get(i).embedding();
            if (e[i].length != e[0].length) {
                throw new IllegalArgumentException(
                        "expected templates of length " + e[0].length + ", found " + e[i].length + " at " + i);
            }
        }
        double[][] cos = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double c = 0;
                for (int d = 0; d < e[i].length; d++) {
                    c += e[i][d] * e[j][d];
                }
                cos[i][j] = c;
                cos[j][i] = c;
            }
        }
        // Connected components of the "same person" graph.
        int[] component = new int[n];
        Arrays.fill(component, -1);
        List<List<Integer>> components = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (component[s] >= 0) {
                continue;
            }
            List<Integer> members = new ArrayList<>();
            ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(s));
            component[s] = components.size();
            while (!todo.isEmpty()) {
                int i = todo.pop();
                members.add(i);
                for (int j = 0; j < n; j++) {
                    if (component[j] < 0 && cos[i][j] >= outlierCosine) {
                        component[j] = components.size();
                        todo.push(j);
                    }
                }
            }
            components.add(members);
        }
        // Dominant: the largest cluster; ties go to the better detector score (then input order).
        Comparator<List<Integer>> bySize = Comparator.comparingInt(List::size);
        Comparator<List<Integer>> byQuality = Comparator.comparingDouble(c -> c.stream()
                .mapToDouble(i -> templates.get(i).quality() == null
                        ? 0
                        : templates.get(i).quality().detectorScore())
                .max()
                .orElse(0));
        List<Integer> dominant = components.stream()
                .max(bySize.thenComparing(byQuality)
                        .thenComparing(Comparator.comparingInt((List<Integer> c) -> -c.get(0))))
                .orElseThrow();
        int medoid = dominant.get(0);
        double bestSum = Double.NEGATIVE_INFINITY;
        for (int i : dominant) {
            double sum = 0;
            for (int j : dominant) {
                sum += cos[i][j];
            }
            if (sum > bestSum + 1e-12) {
                bestSum = sum;
                medoid = i;
            }
        }
        List<Integer> chosen = new ArrayList<>(List.of(medoid));
        while (chosen.size() < Math.min(k, dominant.size())) {
            int next = -1;
            double leastSimilar = Double.POSITIVE_INFINITY;
            for (int i : dominant) {
                if (chosen.contains(i)) {
                    continue;
                }
                double nearest =
                        chosen.stream().mapToDouble(c -> cos[i][c]).max().orElseThrow();
                if (nearest < leastSimilar) {
                    leastSimilar = nearest;
                    next = i;
                }
            }
            chosen.add(next);
        }
        List<Template> outliers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!dominant.contains(i)) {
                outliers.add(templates.get(i));
            }
        }
        return new Selection(
                chosen.stream().map(templates::get).toList(),
                dominant.stream().sorted().map(templates::get).toList(),
                outliers);
    }
}
