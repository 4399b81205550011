package org.facestream.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pure functions over pair scores (cosine similarity, higher means more alike) and labels: the threshold that
 * maximises accuracy, accuracy at a threshold, TAR at a given FAR, and the ROC. A pair is called "same" when
 * its score is strictly above the threshold.
 */
public final class VerificationMetrics {
    private VerificationMetrics() {}

    /** One operating point: false accept rate and true accept rate at a threshold, both in [0, 1]. */
    public record RocPoint(double threshold, double far, double tar) {}

    /**
     * The threshold with the highest accuracy on these pairs. Candidates are midpoints between consecutive
     * distinct scores (plus one below all and one above all), so the result does not sit on a training score;
     * when several candidates reach the same accuracy the lowest wins.
     */
    public static double bestThreshold(double[] scores, boolean[] same) {
        check(scores, same);
        int n = scores.length;
        Integer[] order = sortedOrder(scores);
        int positives = 0;
        for (boolean s : same) {
            positives += s ? 1 : 0;
        }
        // threshold below everything: every pair called same, correct = positives
        int correct = positives;
        int best = correct;
        double bestThreshold = scores[order[0]] - 1e-6;
        for (int i = 0; i < n; ) {
            double v = scores[order[i]];
            int j = i;
            while (j < n && scores[order[j]] == v) {
                correct += same[order[j]] ? -1 : 1; // this score moves from "same" to "different"
                j++;
            }
            double threshold = j < n ? (v + scores[order[j]]) / 2 : v + 1e-6;
            if (correct > best) {
                best = correct;
                bestThreshold = threshold;
            }
            i = j;
        }
        return bestThreshold;
    }

    /** Fraction of pairs classified correctly at {@code threshold}. */
    public static double accuracy(double[] scores, boolean[] same, double threshold) {
        check(scores, same);
        int correct = 0;
        for (int i = 0; i < scores.length; i++) {
            correct += (scores[i] > threshold) == same[i] ? 1 : 0;
        }
        return (double) correct / scores.length;
    }

    /**
     * True accept rate at the lowest threshold whose false accept rate does not exceed {@code far}: at most
     * {@code floor(far * impostors)} impostor pairs score above it. With 1,600 impostors, FAR 1e-3 allows one.
     */
    public static double tarAtFar(double[] scores, boolean[] same, double far) {
        return thresholdAtFar(scores, same, far).tar();
    }

    /** The operating point behind {@link #tarAtFar}. */
    public static RocPoint thresholdAtFar(double[] scores, boolean[] same, double far) {
        check(scores, same);
        if (!(far >= 0 && far <= 1)) {
            throw new IllegalArgumentException("expected a FAR in [0, 1], found " + far);
        }
        double[] impostors = scores(scores, same, false);
        double[] genuine = scores(scores, same, true);
        if (impostors.length == 0 || genuine.length == 0) {
            throw new IllegalArgumentException(
                    "expected matched and mismatched pairs, found " + genuine.length + " and " + impostors.length);
        }
        Arrays.sort(impostors);
        int allowed = (int) Math.floor(far * impostors.length + 1e-9);
        // the (allowed+1)-th highest impostor score: everything strictly above it is at most `allowed` impostors
        double threshold =
                allowed >= impostors.length ? Double.NEGATIVE_INFINITY : impostors[impostors.length - 1 - allowed];
        return point(genuine, impostors, threshold);
    }

    /** The ROC at every distinct score, from the highest threshold (FAR 0) down. */
    public static List<RocPoint> roc(double[] scores, boolean[] same) {
        return roc(scores, same, 0);
    }

    /**
     * As {@link #roc(double[], boolean[])}, with {@code neverAccepted} more genuine attempts that no threshold
     * accepts. In open-set identification a mated probe whose best subject is someone else is a miss at every
     * threshold: it counts in the denominator of DIR at rank 1 (the TAR here) and nowhere else.
     */
    public static List<RocPoint> roc(double[] scores, boolean[] same, int neverAccepted) {
        check(scores, same);
        if (neverAccepted < 0) {
            throw new IllegalArgumentException("expected neverAccepted >= 0, found " + neverAccepted);
        }
        double[] genuine = scores(scores, same, true);
        int genuineTotal = genuine.length + neverAccepted;
        double[] impostors = scores(scores, same, false);
        Arrays.sort(impostors);
        Integer[] order = sortedOrder(scores);
        List<RocPoint> points = new ArrayList<>();
        int tp = 0;
        int fp = 0;
        points.add(new RocPoint(Double.POSITIVE_INFINITY, 0, 0));
        for (int i = scores.length - 1; i >= 0; ) {
            double v = scores[order[i]];
            while (i >= 0 && scores[order[i]] == v) {
                if (same[order[i]]) {
                    tp++;
                } else {
                    fp++;
                }
                i--;
            }
            points.add(new RocPoint(
                    i >= 0 ? (v + scores[order[i]]) / 2 : v - 1e-6,
                    impostors.length == 0 ? 0 : (double) fp / impostors.length,
                    genuineTotal == 0 ? 0 : (double) tp / genuineTotal));
        }
        return points;
    }

    /** Mean and population standard deviation (as LFW results are usually reported). */
    public static double[] meanAndStd(double[] values) {
        double mean = Arrays.stream(values).average().orElse(Double.NaN);
        double var = Arrays.stream(values)
                .map(v -> (v - mean) * (v - mean))
                .average()
                .orElse(Double.NaN);
        return new double[] {mean, Math.sqrt(var)};
    }

    private static RocPoint point(double[] genuine, double[] impostors, double threshold) {
        long ta = Arrays.stream(genuine).filter(s -> s > threshold).count();
        long fa = Arrays.stream(impostors).filter(s -> s > threshold).count();
        return new RocPoint(threshold, (double) fa / impostors.length, (double) ta / genuine.length);
    }

    private static double[] scores(double[] scores, boolean[] same, boolean wanted) {
        double[] out = new double[scores.length];
        int k = 0;
        for (int i = 0; i < scores.length; i++) {
            if (same[i] == wanted) {
                out[k++] = scores[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static Integer[] sortedOrder(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[x], scores[y]));
        return order;
    }

    private static void check(double[] scores, boolean[] same) {
        if (scores == null || same == null || scores.length != same.length || scores.length == 0) {
            throw new IllegalArgumentException("expected equal, non-empty score and label arrays, found "
                    + (scores == null ? "null" : scores.length) + " scores and " + (same == null ? "null" : same.length)
                    + " labels");
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("expected scores that are numbers, found NaN");
            }
        }
    }
}
