/**
 * Face detection: {@link org.facestream.detect.FaceDetector} finds faces with five landmarks in a BGR frame;
 * {@link org.facestream.detect.YuNetDetector} and {@link org.facestream.detect.ScrfdDetector} decode the two
 * supported detector families.
 *
 * <p>Every detector scales the whole frame so its longer side equals the configured input size (bilinear,
 * pixel-centre aligned; area averaging when shrinking), pads right and bottom to a multiple of 32, and maps
 * results back with {@code (v + 0.5) / scale - 0.5}, the recipe that reached 99.5% on LFW. Coordinates in
 * {@link org.facestream.detect.DetectedFace} are pixels of the source frame. No topics, no stores: {@code vision}'s
 * analyzer calls this stage.
 */
package org.facestream.detect;
