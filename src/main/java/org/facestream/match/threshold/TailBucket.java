package org.facestream.match.threshold;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One bucket of the {@link NullScoreWindow}: a histogram plus a bounded tail list. Its state is defined on its
 * scores taken from the highest down: a score is listed (with its cohort identity and camera) while the list
 * holds fewer than {@code listCapacity} entries and its identity fewer than {@code perIdentity}; a score whose
 * identity already has {@code perIdentity} listed entries, met before the list is full, is dropped (in neither
 * the histogram nor the count, counted for its identity); every score after the list is full goes to the
 * histogram.
 *
 * <p>Streaming: the listed and dropped scores are kept as candidates in score order; a new score below the
 * list's lowest entry of a full list goes straight to the histogram (nothing above it changes), any other joins
 * the candidates, which are classified again. Adding a score only moves the point where the list fills upwards,
 * so a score in the histogram never leaves it. Ties keep arrival order. Not thread-safe.
 */
final class TailBucket {
    private record Item(TailEntry entry, long order) {}

    private static final Comparator<Item> HIGHEST_FIRST =
            Comparator.comparingDouble((Item i) -> -i.entry().score()).thenComparingLong(Item::order);

    private final NullScoreSketch histogram;
    private final int listCapacity;
    private final int perIdentity;
    private final TreeSet<Item> candidates = new TreeSet<>(HIGHEST_FIRST);
    private final Map<Integer, Long> samePerson = new HashMap<>();
    /** The lowest listed item while the list is full, else null. */
    private Item fill;

    private long offered;

    /**
     * @param listCapacity R, 0 for no list (every score to the histogram, nothing capped)
     * @param perIdentity c_b, the listed entries one identity may hold
     */
    TailBucket(int bins, int listCapacity, int perIdentity) {
        this.histogram = new NullScoreSketch(bins);
        this.listCapacity = listCapacity;
        this.perIdentity = Math.max(1, perIdentity);
    }

    /** Adds one offered score. */
    void add(TailEntry e) {
        long order = offered++;
        if (listCapacity == 0) {
            histogram.add(e.score(), e.smoothMax());
            return;
        }
        Item item = new Item(e, order);
        if (fill != null && HIGHEST_FIRST.compare(item, fill) > 0) {
            histogram.add(e.score(), e.smoothMax());
            return;
        }
        candidates.add(item);
        classify(null, null);
    }

    /** Counts one same-person exclusion of {@code identity} (see {@link CohortScorer#score}). */
    void samePerson(int identity) {
        samePerson.merge(identity, 1L, Long::sum);
    }

    /**
     * Walks the candidates from the highest: moves those after a full list to the histogram and, when asked,
     * collects the listed and dropped ones.
     */
    private void classify(List<TailEntry> listed, List<TailEntry> dropped) {
        Map<Integer, Integer> owned = new HashMap<>();
        int n = 0;
        fill = null;
        Iterator<Item> it = candidates.iterator();
        while (it.hasNext()) {
            Item c = it.next();
            TailEntry e = c.entry();
            if (n >= listCapacity) {
                histogram.add(e.score(), e.smoothMax());
                it.remove();
                continue;
            }
            int k = e.identity();
            int o = owned.getOrDefault(k, 0);
            if (k >= 0 && o >= perIdentity) {
                if (dropped != null) {
                    dropped.add(e);
                }
                continue;
            }
            owned.put(k, o + 1);
            n++;
            if (listed != null) {
                listed.add(e);
            }
            if (n == listCapacity) {
                fill = c;
            }
        }
    }

    /** Scores offered to this bucket (listed, dropped and in the histogram): it rotates on this count. */
    long offered() {
        return offered;
    }

    /** Scores the bucket holds: the histogram's and the listed ones (the dropped ones are not held). */
    long count() {
        List<TailEntry> listed = new ArrayList<>();
        classify(listed, null);
        return histogram.count() + listed.size();
    }

    NullScoreSketch histogram() {
        return histogram;
    }

    /** Adds the listed and the dropped entries, highest first, to the lists given. */
    void entries(List<TailEntry> listed, List<TailEntry> dropped) {
        classify(listed, dropped);
    }

    Map<Integer, Long> samePerson() {
        return samePerson;
    }
}
