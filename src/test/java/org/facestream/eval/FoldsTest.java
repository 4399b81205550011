package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FoldsTest {
    private static boolean[] labels(int matched, int mismatched) {
        boolean[] same = new boolean[matched + mismatched];
        for (int i = 0; i < matched; i++) {
            same[i] = true;
        }
        return same;
    }

    @Test
    void sameSeedSameSplit() {
        boolean[] same = labels(1600, 1600);
        int[] a = Folds.assign(same, 10, 42);
        assertThat(Folds.assign(same, 10, 42)).isEqualTo(a);
        assertThat(Folds.assign(same, 10, 43)).isNotEqualTo(a);
        // 10 pairs in 5 folds: each fold gets exactly one matched and one mismatched pair
        int[] small = Folds.assign(labels(5, 5), 5, 42);
        assertThat(small).isEqualTo(Folds.assign(labels(5, 5), 5, 42));
        assertThat(small).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 0, 1, 2, 3, 4);
    }

    @Test
    void everyFoldHoldsEqualMatchedAndMismatched() {
        boolean[] same = labels(1600, 1600);
        int[] fold = Folds.assign(same, 10, 7);
        int[] matched = new int[10];
        int[] all = new int[10];
        for (int i = 0; i < fold.length; i++) {
            all[fold[i]]++;
            matched[fold[i]] += same[i] ? 1 : 0;
        }
        assertThat(all).containsOnly(320);
        assertThat(matched).containsOnly(160);
    }

    @Test
    void rejectsImpossibleFoldCounts() {
        assertThatThrownBy(() -> Folds.assign(labels(2, 2), 1, 0))
                .hasMessage("expected between 2 and 4 folds, found 1");
        assertThatThrownBy(() -> Folds.assign(labels(2, 2), 5, 0))
                .hasMessage("expected between 2 and 4 folds, found 5");
    }
}
