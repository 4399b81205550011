/**
 * Camera ingest: decodes pictures from a video file, a live RTSP camera or a folder of images
 * ({@link org.facestream.ingest.FrameSource}, opened by {@link org.facestream.ingest.FrameSources}), keeps them
 * at a target rate ({@link org.facestream.ingest.FrameSampler}), JPEG-encodes them at the size the detector works
 * at ({@code ingest.max.side}, a camera substream's 640 px by default) and produces
 * {@link org.facestream.events.Frame} records to {@code facestream.frames.v1}, keyed by camera id, so one camera's
 * frames stay in order on one partition. {@link org.facestream.ingest.CameraIngest} runs one camera with its
 * typed {@link org.facestream.config.IngestSettings}; its counters are exported by
 * {@link org.facestream.ingest.IngestMetrics}.
 *
 * <p>Two threads per camera: the grab thread decodes, samples and (for a real-time file) paces to media time;
 * the produce thread encodes and sends. Decoding is the floor of a camera's cost, so it is spent where it pays: a
 * picture the sampler will drop is decoded but never converted to BGR, pictures are converted straight to the
 * sent size, and a file sampled at most at half its frame rate decodes only the pictures others refer to. Grab and
 * JPEG-encode time are counted per camera ({@link org.facestream.ingest.IngestMetrics}). Between them a {@link org.facestream.ingest.LatestFrameHandoff} keeps
 * the newest frames when the producer falls behind on a live source, and blocks on a file so that no sampled
 * frame is lost.
 *
 * <p>Input: cameras and files. Output topic: {@code facestream.frames.v1}. No state stores.
 */
package org.facestream.ingest;
