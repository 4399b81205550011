package org.facestream.eval;

import java.util.Arrays;

/**
 * The two LFW protocols over pair scores: k-fold cross-validation (threshold chosen on k-1 folds to
 * maximise accuracy, accuracy measured on the held-out fold) and a train/test split (threshold from the
 * training pairs, accuracy on the test pairs). Pure functions.
 */
public final class VerificationEvaluation {
    private VerificationEvaluation() {}

    /**
     * Cross-validation over folds given per pair.
     *
     * @param fold fold of each pair, 0..k-1, every fold non-empty and k >= 2
     */
    public static VerificationReport crossValidate(String protocol, double[] scores, boolean[] same, int[] fold) {
        if (fold.length != scores.length) {
            throw new IllegalArgumentException(
                    "expected a fold per pair, found " + fold.length + " for " + scores.length + " pairs");
        }
        int k = Arrays.stream(fold).max().orElse(-1) + 1;
        if (k < 2) {
            throw new IllegalArgumentException("expected at least 2 folds, found " + k);
        }
        double[] accuracies = new double[k];
        double[] thresholds = new double[k];
        for (int f = 0; f < k; f++) {
            int held = 0;
            for (int v : fold) {
                held += v == f ? 1 : 0;
            }
            if (held == 0 || held == fold.length) {
                throw new IllegalArgumentException(
                        "expected fold " + f + " to hold some but not all pairs, found " + held);
            }
            double[] trainScores = new double[fold.length - held];
            boolean[] trainSame = new boolean[fold.length - held];
            double[] testScores = new double[held];
            boolean[] testSame = new boolean[held];
            for (int i = 0, a = 0, b = 0; i < fold.length; i++) {
                if (fold[i] == f) {
                    testScores[b] = scores[i];
                    testSame[b++] = same[i];
                } else {
                    trainScores[a] = scores[i];
                    trainSame[a++] = same[i];
                }
            }
            thresholds[f] = VerificationMetrics.bestThreshold(trainScores, trainSame);
            accuracies[f] = VerificationMetrics.accuracy(testScores, testSame, thresholds[f]);
        }
        double[] ms = VerificationMetrics.meanAndStd(accuracies);
        return new VerificationReport(
                protocol,
                scores.length,
                ms[0],
                ms[1],
                accuracies,
                thresholds,
                VerificationMetrics.tarAtFar(scores, same, 1e-3),
                VerificationMetrics.tarAtFar(scores, same, 1e-2),
                VerificationMetrics.roc(scores, same));
    }

    /** Threshold chosen on the training pairs, accuracy and TAR@FAR measured on the test pairs. */
    public static VerificationReport trainTest(
            String protocol, double[] trainScores, boolean[] trainSame, double[] testScores, boolean[] testSame) {
        double threshold = VerificationMetrics.bestThreshold(trainScores, trainSame);
        double accuracy = VerificationMetrics.accuracy(testScores, testSame, threshold);
        return new VerificationReport(
                protocol,
                testScores.length,
                accuracy,
                0,
                new double[] {accuracy},
                new double[] {threshold},
                VerificationMetrics.tarAtFar(testScores, testSame, 1e-3),
                VerificationMetrics.tarAtFar(testScores, testSame, 1e-2),
                VerificationMetrics.roc(testScores, testSame));
    }
}
