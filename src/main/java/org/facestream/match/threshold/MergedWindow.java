package org.facestream.match.threshold;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.facestream.events.CohortFlag;
import org.facestream.events.NullScoreReport;
import org.facestream.events.NullScoreTail;

/**
 * The union of matcher instances' windows, as the aggregator reads it: the histograms summed, the listed tail
 * scores of every report together (cohort identities unified by name, cameras by id), the per-identity counts
 * summed, the hygiene flags united. Reports without a tail (earlier versions, no cohort) add their whole sketch
 * to the histogram, where it is read uncapped. Not thread-safe.
 */
public final class MergedWindow {
    private NullScoreSketch histogram;
    private final List<TailEntry> entries = new ArrayList<>();
    private final List<String> identities = new ArrayList<>();
    private final Map<String, Integer> identityIndex = new HashMap<>();
    private final Map<String, Long> capped = new TreeMap<>();
    private final Map<String, Long> samePerson = new TreeMap<>();
    private final Set<String> flagged = new TreeSet<>();
    private int usableIdentities;
    private boolean listed;

    /** The merge of {@code reports}. */
    public static MergedWindow of(Iterable<NullScoreReport> reports) {
        MergedWindow w = new MergedWindow();
        reports.forEach(w::add);
        return w;
    }

    /**
     * Adds one report's window.
     *
     * @throws IllegalArgumentException when its sketch or its tail entries do not read, or its sketch has another
     *     bin count than those merged before it; the window is then unchanged
     */
    public void add(NullScoreReport report) {
        NullScoreSketch sketch = NullScoreReports.sketch(report);
        List<TailEntry> listedEntries = NullScoreReports.entries(report);
        if (histogram != null && histogram.bins() != sketch.bins()) {
            throw new IllegalArgumentException("expected a sketch of " + histogram.bins() + " bins in the report of "
                    + report.instanceId() + ", found " + sketch.bins());
        }
        if (histogram == null) {
            histogram = new NullScoreSketch(sketch.bins());
        }
        histogram.merge(sketch);
        NullScoreTail tail = report.tail();
        if (tail != null) {
            listed = true;
            usableIdentities = Math.max(usableIdentities, tail.usableIdentities());
            for (TailEntry e : listedEntries) {
                int identity = e.identity() < 0 ? -1 : indexOf(tail.identities().get(e.identity()));
                entries.add(new TailEntry(e.score(), e.smoothMax(), identity, e.camera(), 0));
            }
            tail.capped().forEach((k, v) -> capped.merge(k, v, Long::sum));
            tail.samePerson().forEach((k, v) -> samePerson.merge(k, v, Long::sum));
        }
        report.flags().stream().map(CohortFlag::identity).forEach(flagged::add);
    }

    private int indexOf(String name) {
        return identityIndex.computeIfAbsent(name, n -> {
            identities.add(n);
            return identities.size() - 1;
        });
    }

    /** The scores not listed (a copy); an empty default sketch when nothing was merged. */
    public NullScoreSketch histogram() {
        return histogram == null ? new NullScoreSketch() : histogram.copy();
    }

    /** The listed scores of every report, identities as indices into {@link #identities()}. */
    public List<TailEntry> entries() {
        return List.copyOf(entries);
    }

    /** Cohort identity names by the entries' indices. */
    public List<String> identities() {
        return List.copyOf(identities);
    }

    /** Per cohort identity name, the scores the instances' buckets dropped. */
    public Map<String, Long> capped() {
        return Map.copyOf(capped);
    }

    /** Per cohort identity name, its same-person exclusions in the windows. */
    public Map<String, Long> samePerson() {
        return Map.copyOf(samePerson);
    }

    /** The cohort identities some instance's hygiene leaves out. */
    public Set<String> flagged() {
        return Set.copyOf(flagged);
    }

    /** K_u: the most usable cohort identities any report named. */
    public int usableIdentities() {
        return usableIdentities;
    }

    /** Whether any report carried a tail list (otherwise the window is read uncapped). */
    public boolean listed() {
        return listed;
    }

    /** Every score held, uncapped: the histogram and the listed scores. */
    public NullScoreSketch all() {
        NullScoreSketch s = histogram();
        entries.forEach(e -> s.add(e.score(), e.smoothMax()));
        return s;
    }
}
