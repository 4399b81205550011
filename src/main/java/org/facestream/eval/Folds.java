package org.facestream.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded k-fold assignment for cross-validation over pairs from any files. Matched and mismatched pairs are
 * shuffled separately and dealt round-robin, so every fold holds (to within one) the same number of each:
 * a threshold chosen on nine folds is then tested on a tenth with the same class balance, as in LFW View 2.
 */
public final class Folds {
    private Folds() {}

    /**
     * The fold (0..k-1) of each pair.
     *
     * @param same whether each pair is matched
     * @param k number of folds, at least 2 and at most the number of pairs
     * @param seed same seed, same labels: same assignment on every machine and JDK
     */
    public static int[] assign(boolean[] same, int k, long seed) {
        if (k < 2 || k > same.length) {
            throw new IllegalArgumentException("expected between 2 and " + same.length + " folds, found " + k);
        }
        List<Integer> matched = new ArrayList<>();
        List<Integer> mismatched = new ArrayList<>();
        for (int i = 0; i < same.length; i++) {
            (same[i] ? matched : mismatched).add(i);
        }
        // java.util.Random's sequence is specified by the JLS, so the split is the same on every JDK
        Random random = new Random(seed);
        Collections.shuffle(matched, random);
        Collections.shuffle(mismatched, random);
        int[] fold = new int[same.length];
        int next = 0;
        for (int i : matched) {
            fold[i] = next++ % k;
        }
        for (int i : mismatched) {
            fold[i] = next++ % k;
        }
        return fold;
    }
}
