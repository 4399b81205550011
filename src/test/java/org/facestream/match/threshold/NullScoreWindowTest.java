package org.facestream.match.threshold;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The window's buckets: the capped tail list, its streaming form, rotation by offered scores. */
class NullScoreWindowTest {
    private static final FpirPolicy POLICY = FpirPolicy.defaults("p", 0.01);

    /** The bucket rule on its final state, written as the design states it: the reference the stream must equal. */
    private static void reference(
            List<TailEntry> offered,
            int listCapacity,
            int perIdentity,
            List<TailEntry> listed,
            List<TailEntry> dropped) {
        List<TailEntry> sorted = new ArrayList<>(offered);
        sorted.sort(Comparator.comparingDouble(e -> -e.score())); // stable: ties keep arrival order
        Map<Integer, Integer> owned = new HashMap<>();
        for (TailEntry e : sorted) {
            if (listed.size() >= listCapacity) {
                return; // the rest is in the histogram
            }
            if (owned.getOrDefault(e.identity(), 0) >= perIdentity) {
                dropped.add(e);
                continue;
            }
            owned.merge(e.identity(), 1, Integer::sum);
            listed.add(e);
        }
    }

    @Test
    void aBucketListsItsTopScoresWithAtMostItsShareFromOneIdentityWhateverTheArrivalOrder() {
        Random r = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int capacity = 1 + r.nextInt(12);
            int perIdentity = 1 + r.nextInt(4);
            TailBucket bucket = new TailBucket(NullScoreSketch.DEFAULT_BINS, capacity, perIdentity);
            List<TailEntry> offered = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                // identity 0 is a duplicate: high scores, often
                int identity = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(15);
                double score = identity == 0 ? 0.3 + 0.1 * r.nextDouble() : 0.4 * r.nextDouble();
                score = Math.round(score * 200) / 200.0; // ties, so arrival order matters
                TailEntry e = new TailEntry(score, 0.1, identity, "cam", i);
                offered.add(e);
                bucket.add(e);
            }
            List<TailEntry> listed = new ArrayList<>();
            List<TailEntry> dropped = new ArrayList<>();
            bucket.entries(listed, dropped);
            List<TailEntry> wantListed = new ArrayList<>();
            List<TailEntry> wantDropped = new ArrayList<>();
            reference(offered, capacity, perIdentity, wantListed, wantDropped);
            assertThat(listed).as("trial %d", trial).containsExactlyElementsOf(wantListed);
            assertThat(dropped).as("trial %d", trial).containsExactlyElementsOf(wantDropped);
            assertThat(bucket.histogram().count() + listed.size() + dropped.size())
                    .isEqualTo(300);
            assertThat(bucket.count()).as("dropped scores are not held").isEqualTo(300 - dropped.size());
            assertThat(bucket.offered()).isEqualTo(300);
        }
    }

    @Test
    void theWindowRotatesByOfferedScoresAndReportsWhatItDroppedPerIdentity() {
        NullScoreWindow w = new NullScoreWindow(POLICY, 1000);
        w.listTail(0.991, 50); // ρ = 0.009: ⌈4·0.009·100⌉ = 4 entries per bucket of 100, cap max(3, ⌈4·9/50⌉) = 3
        assertThat(w.listPerBucket()).isEqualTo(4);
        assertThat(w.perIdentity()).isEqualTo(3);
        for (int i = 0; i < 1500; i++) {
            boolean duplicate = i % 3 == 0; // identity 7 scores every third probe at 0.6
            w.offer(new TailEntry(
                    duplicate ? 0.6 : 0.1 + 1e-4 * (i % 7), 0.2, duplicate ? 7 : 10 + i % 40, "cam-1", i));
        }
        NullScoreWindow.Contents c = w.contents();
        // 15 buckets filled and a 16th started: the window is it and the 9 before it, offers 600-1499
        assertThat(c.count() + c.dropped().size()).isEqualTo(900);
        assertThat(c.listed()).hasSize(36); // 4 per full bucket
        // each bucket lists identity 7 three times and drops its other 30-31 scores: 300 in offers 600-1499
        assertThat(c.listed().stream().filter(e -> e.identity() == 7)).hasSize(27);
        assertThat(c.capped()).containsExactly(Map.entry(7, 300L - 27));
        assertThat(c.all().count()).isEqualTo(900 - 273);
        assertThat(w.count()).isEqualTo(900 - 273);
        assertThat(w.admitted()).isEqualTo(1500);
    }

    @Test
    void aWindowWithoutListsHoldsEveryScoreInItsHistogram() {
        NullScoreWindow w = new NullScoreWindow(POLICY, 1000);
        for (int i = 0; i < 50; i++) {
            w.offer("cam-1", 0.5, 0.1);
        }
        NullScoreWindow.Contents c = w.contents();
        assertThat(c.listing()).isFalse();
        assertThat(c.listed()).isEmpty();
        assertThat(c.histogram().count()).isEqualTo(50);
    }
}
