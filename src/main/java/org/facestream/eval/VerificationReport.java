package org.facestream.eval;

import java.util.List;
import java.util.Objects;
import org.facestream.eval.VerificationMetrics.RocPoint;

/**
 * The outcome of a verification protocol.
 *
 * @param protocol how thresholds were chosen, e.g. "10 folds of pairs.txt" or "threshold from pairsDevTrain.txt"
 * @param pairs number of pairs whose accuracy was measured
 * @param meanAccuracy mean over folds of the held-out accuracy, in [0, 1]
 * @param stdAccuracy population standard deviation of the held-out accuracies (0 for one train/test split)
 * @param foldAccuracies held-out accuracy of each fold
 * @param foldThresholds cosine threshold chosen for each fold
 * @param tarAtFar1e3 true accept rate at FAR 1e-3 over all measured pairs
 * @param tarAtFar1e2 true accept rate at FAR 1e-2 over all measured pairs
 * @param roc the ROC over all measured pairs
 */
public record VerificationReport(
        String protocol,
        int pairs,
        double meanAccuracy,
        double stdAccuracy,
        double[] foldAccuracies,
        double[] foldThresholds,
        double tarAtFar1e3,
        double tarAtFar1e2,
        List<RocPoint> roc) {
    public VerificationReport {
        Objects.requireNonNull(protocol, "protocol");
        if (foldAccuracies.length != foldThresholds.length || foldAccuracies.length == 0) {
            throw new IllegalArgumentException("expected one threshold per fold, found " + foldAccuracies.length
                    + " accuracies and " + foldThresholds.length + " thresholds");
        }
        foldAccuracies = foldAccuracies.clone();
        foldThresholds = foldThresholds.clone();
        roc = List.copyOf(roc);
    }

    @Override
    public double[] foldAccuracies() {
        return foldAccuracies.clone();
    }

    @Override
    public double[] foldThresholds() {
        return foldThresholds.clone();
    }
}
