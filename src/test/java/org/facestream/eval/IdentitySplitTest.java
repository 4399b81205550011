package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IdentitySplitTest {
    /** 40 identities: 30 with 5 images, 10 with a single image. */
    private static Map<String, List<Path>> data() {
        Map<String, List<Path>> m = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            int n = i < 30 ? 5 : 1;
            String id = "id" + i;
            m.put(
                    id,
                    IntStream.range(0, n).mapToObj(k -> Path.of(id, k + ".jpg")).toList());
        }
        return m;
    }

    @Test
    void sharesAreHalfAFifthAndTheRestAndEveryImageIsUsedOnce() {
        IdentitySplit s = IdentitySplit.of(data(), 1);
        assertThat(s.enrolled()).hasSize(20);
        assertThat(s.cohort()).hasSize(8);
        assertThat(s.unknown()).hasSize(12);
        assertThat(s.enrolled().keySet()).isEqualTo(s.mated().keySet());
        s.enrolled().forEach((id, list) -> {
            assertThat(list).hasSize(3);
            assertThat(s.mated().get(id)).hasSize(2).doesNotContainAnyElementsOf(list);
        });
        s.cohort().values().forEach(list -> assertThat(list.size()).isBetween(1, 3));
        Set<String> all = new HashSet<>(s.enrolled().keySet());
        all.addAll(s.cohort().keySet());
        all.addAll(s.unknown().keySet());
        assertThat(all).hasSize(40);
        s.unknown().forEach((id, list) -> assertThat(list).isEqualTo(data().get(id)));
    }

    @Test
    void singleImageIdentitiesAreNeverInTheGallery() {
        for (long seed = 1; seed <= 20; seed++) {
            IdentitySplit s = IdentitySplit.of(data(), seed);
            s.enrolled()
                    .keySet()
                    .forEach(id -> assertThat(Integer.parseInt(id.substring(2))).isLessThan(30));
        }
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        IdentitySplit a = IdentitySplit.of(data(), 7);
        IdentitySplit b = IdentitySplit.of(new TreeMap<>(data()).descendingMap(), 7);
        assertThat(a).isEqualTo(b);
        assertThat(IdentitySplit.of(data(), 8).enrolled()).isNotEqualTo(a.enrolled());
    }

    @Test
    void twoImagesEnrollOneAndProbeOne() {
        Map<String, List<Path>> m = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            m.put("p" + i, new ArrayList<>(List.of(Path.of("p" + i, "a.jpg"), Path.of("p" + i, "b.jpg"))));
        }
        IdentitySplit s = IdentitySplit.of(m, 3);
        s.enrolled().forEach((id, list) -> {
            assertThat(list).hasSize(1);
            assertThat(s.mated().get(id)).hasSize(1);
        });
    }

    @Test
    void tooFewIdentitiesIsAClearError() {
        assertThatThrownBy(() -> IdentitySplit.of(Map.of("a", List.of(Path.of("a/1.jpg"), Path.of("a/2.jpg"))), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "expected identities for at least 1 gallery subject (2+ images), 2 cohort identities and 1 unknown, found 1");
    }

    @Test
    void theCohortSizeStudyDealsTheNonGalleryPeopleAgainKeepingTheSameUnknowns() {
        IdentitySplit s = IdentitySplit.of(data(), 3);
        List<String> pool = new ArrayList<>(s.cohort().keySet());
        pool.addAll(s.unknown().keySet()); // 8 + 12
        IdentitySplit small = s.withCohortSize(2, 10);
        IdentitySplit large = s.withCohortSize(10, 10);
        assertThat(small.enrolled()).isEqualTo(s.enrolled());
        assertThat(small.mated()).isEqualTo(s.mated());
        assertThat(small.cohort().keySet()).containsExactlyElementsOf(pool.subList(0, 2));
        assertThat(large.cohort().keySet()).containsExactlyElementsOf(pool.subList(0, 10));
        assertThat(small.unknown().keySet()).containsExactlyElementsOf(pool.subList(10, 20));
        assertThat(large.unknown()).isEqualTo(small.unknown());
        // an unknown person in the cohort is enrolled from its first three images
        String joined = pool.get(9);
        List<Path> images = s.unknown().get(joined);
        assertThat(large.cohort().get(joined)).isEqualTo(images.subList(0, Math.min(3, images.size())));
        assertThatThrownBy(() -> s.withCohortSize(11, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 10 cohort identities beside 10 unknown");
    }
}
