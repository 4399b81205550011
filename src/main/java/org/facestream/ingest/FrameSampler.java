package org.facestream.ingest;

/**
 * Keeps frames at a target rate by time: one frame per {@code 1/fps} seconds of the given clock (media
 * time for files, arrival time for live cameras). A 30 fps file sampled at 5 fps keeps every sixth frame;
 * a source slower than the target keeps every frame. A rate of 0 keeps every frame.
 *
 * <p>Not thread-safe: the grab thread owns it.
 */
public final class FrameSampler {
    private final double intervalMillis;
    private double nextDue = Double.NEGATIVE_INFINITY;

    /** @param fps target frames per second; 0 keeps every frame */
    public FrameSampler(double fps) {
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("expected fps >= 0 (0 = every frame), found " + fps);
        }
        this.intervalMillis = fps == 0 ? 0 : 1000.0 / fps;
    }

    /** Whether {@link #keep} would keep a frame at {@code timeMillis}, without changing anything. */
    public boolean wouldKeep(long timeMillis) {
        return intervalMillis == 0 || timeMillis >= nextDue;
    }

    /**
     * Whether the frame at {@code timeMillis} is kept. Times must not go backwards by more than one
     * interval (a loop restart is fine: the file source keeps media time increasing).
     */
    public boolean keep(long timeMillis) {
        if (intervalMillis == 0) {
            return true;
        }
        if (timeMillis >= nextDue) {
            // Due times advance on a fixed grid so rounding in timestamps does not drift the rate; after a
            // gap (a stall, a reconnect) the grid restarts from this frame instead of bursting to catch up.
            nextDue = timeMillis - nextDue > intervalMillis ? timeMillis + intervalMillis : nextDue + intervalMillis;
            return true;
        }
        return false;
    }
}
