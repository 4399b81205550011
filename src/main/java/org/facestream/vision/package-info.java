/**
 * The analysis of one picture, shared by the worker, enrollment and the evaluations so a gallery enrolled
 * offline matches what the worker sees live: {@link org.facestream.vision.FaceAnalyzer} runs detect, align
 * and embed (with face-quality measures) as one call, or as separate steps for the worker, which aligns and
 * measures every face ({@link org.facestream.vision.AlignedFace}) but embeds only those worth it; detection takes
 * the frame at its own size up to {@code vision.detector.input.size} and batches frames where the execution
 * provider gains; with {@code vision.refine.landmarks} a second detector (SCRFD) places the landmarks of every face
 * about to be embedded ({@link org.facestream.vision.LandmarkRefiner}). {@link org.facestream.vision.FrameDecoder}
 * turns JPEG or PNG bytes into BGR images within a decode budget checked on the bytes first: the declared size (a
 * decompression bomb is refused before any pixel is allocated) and a JPEG's scans (a scan bomb is refused before it
 * is decoded, {@link org.facestream.vision.DecodeBudgetException}), so no picture costs the worker, enrollment or the
 * API more than about a second of decoding; {@link org.facestream.vision.FaceObservations} turns analysed faces
 * into observation records. Reads and writes no topics (the worker does); no stores.
 */
package org.facestream.vision;
