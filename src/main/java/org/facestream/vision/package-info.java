/**
 * The analysis of one picture, shared by the worker, enrollment and the evaluations so a gallery enrolled
 * offline matches what the worker sees live: {@link org.facestream.vision.FaceAnalyzer} runs detect, align
 * and embed (with face-quality measures) as one call; {@link org.facestream.vision.FrameDecoder} turns JPEG
 * or PNG bytes into BGR images within a decode budget checked on the bytes first: the declared size (a
 * decompression bomb is refused before any pixel is allocated) and a JPEG's scans (a scan bomb is refused
 * before it is decoded, {@link org.facestream.vision.DecodeBudgetException}), so no picture costs the worker,
 * enrollment or the API more than about a second of decoding; {@link org.facestream.vision.FaceObservations} turns a frame's
 * analysed faces into observation records, dropping faces below the worker's quality gate. Reads and writes
 * no topics (the worker does); no stores.
 */
package org.facestream.vision;
