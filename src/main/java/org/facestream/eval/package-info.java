/**
 * Offline accuracy evaluation of the production vision path: face verification on LFW-format pairs files
 * ({@link org.facestream.eval.PairsFile}, {@link org.facestream.eval.VerificationEvaluation}) and detection
 * recall on dlib imglab annotations ({@link org.facestream.eval.DetectionEvaluation}). Images are analysed by
 * the same {@link org.facestream.vision.FaceAnalyzer} the vision worker uses, so a figure measured here is the
 * figure the worker delivers. Reads files only; uses no topics and keeps no stores.
 */
package org.facestream.eval;
