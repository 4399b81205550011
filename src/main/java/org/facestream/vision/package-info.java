/**
 * The analysis of one picture: {@link org.facestream.vision.FaceAnalyzer} runs detect, align and embed as one
 * call shared by the worker, enrollment and evaluations; {@link org.facestream.vision.FrameDecoder} turns
 * frame bytes into BGR images with a decompression-bomb guard; {@link org.facestream.vision.FaceObservations}
 * turns analysed faces into observation records. No topics, no stores.
 */
package org.facestream.vision;
