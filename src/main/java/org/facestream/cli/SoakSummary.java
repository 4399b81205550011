package org.facestream.cli;

import java.util.List;
import java.util.Locale;

/**
 * What a {@link SoakRun} saw, and the statistics of its heap samples.
 *
 * @param heapStartMb the retained floor at the start of the steady part ({@link #floor})
 * @param heapEndMb the retained floor at its end
 * @param heapSlopeMbPerMin least-squares slope of heap-after-GC over the samples after the warm-up
 * @param maxLag the largest lag seen, frames (worker) or observations (matcher)
 * @param faces0 faces the worker had counted when the cameras started
 * @param drained whether the pipeline drained after the cameras stopped
 */
record SoakSummary(
        double heapStartMb,
        double heapEndMb,
        double heapSlopeMbPerMin,
        long maxLag,
        long maxFramesLag,
        long maxFacesLag,
        long deadLetters,
        long events,
        long frames,
        long framesDropped,
        long faces,
        long faces0,
        int cameras,
        double seconds,
        boolean drained) {

    /** One sample: seconds since the cameras started, heap used after a full GC, the two lags. */
    record Sample(double seconds, double heapMb, long framesLag, long facesLag) {}

    /** The line {@code bench soak} prints last, parsed by scripts. */
    String line() {
        return String.format(
                Locale.ROOT,
                "heap_start_mb=%.1f heap_end_mb=%.1f heap_slope_mb_per_min=%.2f max_lag=%d deadletters=%d events=%d"
                        + " frames=%d frames_dropped=%d faces=%d max_lag_frames=%d max_lag_faces=%d cameras=%d seconds=%.0f drained=%s",
                heapStartMb,
                heapEndMb,
                heapSlopeMbPerMin,
                maxLag,
                deadLetters,
                events,
                frames,
                framesDropped,
                faces,
                maxFramesLag,
                maxFacesLag,
                cameras,
                seconds,
                drained);
    }

    /** The counts after the cameras stopped and the pipeline drained. */
    SoakSummary finished(long frames, long faces, long events, long deadLetters, boolean drained) {
        return new SoakSummary(
                heapStartMb,
                heapEndMb,
                heapSlopeMbPerMin,
                maxLag,
                maxFramesLag,
                maxFacesLag,
                deadLetters,
                events,
                frames,
                framesDropped,
                faces,
                faces0,
                cameras,
                seconds,
                drained);
    }

    /**
     * The lowest heap-after-GC of the first (or last) quarter of the samples, at least 3 of them: the retained
     * floor. A single sample also holds whatever records are in flight at that instant (fetched frames,
     * producer batches: several MB), so the floors tell growth from noise better than the end points do.
     */
    static double floor(List<Sample> samples, boolean first) {
        int n = Math.min(samples.size(), Math.max(3, samples.size() / 4));
        List<Sample> part = first ? samples.subList(0, n) : samples.subList(samples.size() - n, samples.size());
        return part.stream().mapToDouble(Sample::heapMb).min().orElse(0);
    }

    /** Least-squares slope of heap over time, in MB per minute. */
    static double slopePerMinute(List<Sample> samples) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mt = samples.stream().mapToDouble(Sample::seconds).average().orElse(0);
        double mh = samples.stream().mapToDouble(Sample::heapMb).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample s : samples) {
            num += (s.seconds() - mt) * (s.heapMb() - mh);
            den += (s.seconds() - mt) * (s.seconds() - mt);
        }
        return den == 0 ? 0 : num / den * 60;
    }
}
