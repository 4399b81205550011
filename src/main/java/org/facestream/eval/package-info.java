/**
 * Offline evaluation of the production vision and matching path, the experiments behind {@code facestream
 * eval}: face verification on LFW-format pairs files ({@link org.facestream.eval.VerifyExperiment} over
 * {@link org.facestream.eval.PairsFile} and {@link org.facestream.eval.VerificationEvaluation}), open-set
 * identification on a labelled image set ({@link org.facestream.eval.IdentifyExperiment}: seeded identity splits,
 * probes streamed through the matcher's adaptive threshold in {@link org.facestream.eval.OpenSetEvaluation}, drift
 * and flood simulations; per seed the threshold's trajectory ({@link org.facestream.eval.TrajectoryPlot}), the
 * tail's composition, hygiene flags and the FPIR without same-person hits) and detection recall on dlib imglab annotations
 * ({@link org.facestream.eval.DetectExperiment}). Images are analysed by the same
 * {@link org.facestream.vision.FaceAnalyzer} the vision worker uses, so a figure measured here is the figure the
 * worker delivers; ROC and DET curves come from {@link org.facestream.eval.VerificationMetrics} and are drawn by
 * {@link org.facestream.eval.RocPlot}.
 *
 * <p>Input: image files, pairs files, annotation files and embedding caches. Output: report lines, CSV files and
 * plots. Uses no topics and keeps no stores.
 */
package org.facestream.eval;
