package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

/** Cohort hygiene: flags on load and on every upsert and erasure, and what stays usable. */
class CohortHygieneTest {
    private static final int D = 512;
    private final Random random = new Random(12);
    private final Map<String, List<float[]>> gallery = new LinkedHashMap<>();

    private CohortHygiene.Best best(float[] t) {
        CohortHygiene.Best best = null;
        for (var e : gallery.entrySet()) {
            for (float[] g : e.getValue()) {
                double c = Embeddings.cosine(t, g);
                if (best == null || c > best.cosine()) {
                    best = new CohortHygiene.Best(e.getKey(), c);
                }
            }
        }
        return best;
    }

    @Test
    void flagsTheCohortIdentityThatIsAnEnrolledSubjectUnderAnotherNameAndFollowsTheGallery() {
        float[] alice = Embeddings.unit(random, D);
        for (int s = 0; s < 20; s++) {
            gallery.put("s" + s, List.of(Embeddings.unit(random, D)));
        }
        gallery.put("alice", List.of(Embeddings.atCosine(alice, 0.9, random)));
        List<float[][]> identities = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int j = 0; j < 9; j++) {
            identities.add(new float[][] {Embeddings.unit(random, D), Embeddings.unit(random, D)});
            names.add("c" + j);
        }
        identities.add(new float[][] {Embeddings.atCosine(alice, 0.8, random)}); // alice, one photo, another name
        names.add("alice-too");
        CohortScorer cohort = CohortScorer.ofIdentities(names, identities, 32);
        CohortHygiene hygiene = new CohortHygiene(cohort, 0.40);
        assertThat(hygiene.exclusions().usableIdentities())
                .as("nothing flagged before the first recompute")
                .isEqualTo(10);

        List<CohortHygiene.Change> load = hygiene.recompute(this::best);
        assertThat(load).hasSize(1);
        CohortHygiene.Flag flag = load.get(0).flag();
        assertThat(load.get(0).flagged()).isTrue();
        assertThat(flag.name()).isEqualTo("alice-too");
        assertThat(flag.subjectId()).isEqualTo("alice");
        assertThat(flag.cosine()).isBetween(0.6, 0.8); // cos ≈ 0.9 · 0.8 plus near-orthogonal noise
        assertThat(hygiene.excluded()[9]).isTrue();
        assertThat(hygiene.exclusions().usableIdentities()).isEqualTo(9);
        assertThat(hygiene.exclusions().usableTemplates()).isEqualTo(18);

        // alice re-enrolled from a photo unlike the old one: recomputed, cleared
        gallery.put("alice", List.of(Embeddings.unit(random, D)));
        List<CohortHygiene.Change> upsert = hygiene.upserted("alice", gallery.get("alice"), this::best);
        assertThat(upsert).extracting(CohortHygiene.Change::flagged).containsExactly(false);
        assertThat(hygiene.exclusions().usableIdentities()).isEqualTo(10);

        // a new subject who is c3: flagged by scoring c3 against the new templates only
        float[] c3 = cohort.templates(3).get(0);
        gallery.put("bob", List.of(Embeddings.atCosine(c3, 0.7, random)));
        List<CohortHygiene.Change> bob = hygiene.upserted("bob", gallery.get("bob"), this::best);
        assertThat(bob).hasSize(1);
        assertThat(bob.get(0).flag().name()).isEqualTo("c3");
        assertThat(bob.get(0).flag().subjectId()).isEqualTo("bob");
        assertThat(hygiene.exclusions().flags())
                .extracting(CohortHygiene.Flag::name)
                .containsExactly("c3");

        // bob erased: c3 recomputed against the rest, cleared
        gallery.remove("bob");
        List<CohortHygiene.Change> erased = hygiene.removed("bob", this::best);
        assertThat(erased).extracting(c -> c.flag().name() + ":" + c.flagged()).containsExactly("c3:false");
        assertThat(hygiene.exclusions().flags()).isEmpty();
        assertThat(hygiene.removed("nobody", this::best)).isEmpty();
    }
}
