/**
 * The analysis of one picture, shared by the worker, enrollment and the evaluations so a gallery enrolled
 * offline matches what the worker sees live: {@link org.facestream.vision.FaceAnalyzer} runs detect, align
 * and embed (with face-quality measures) as one call; {@link org.facestream.vision.FrameDecoder} turns JPEG
 * or PNG bytes into BGR images, reading the declared size from the header first so a decompression bomb is
 * refused before any pixel is allocated; {@link org.facestream.vision.FaceObservations} turns a frame's
 * analysed faces into observation records, dropping faces below the worker's quality gate. Reads and writes
 * no topics (the worker does); no stores.
 */
package org.facestream.vision;
