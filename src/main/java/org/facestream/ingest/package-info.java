/**
 * Camera ingest: decodes pictures from a video file, a live RTSP camera or a folder of images
 * ({@link org.facestream.ingest.FrameSource}, opened by {@link org.facestream.ingest.FrameSources}), keeps them
 * at a target rate ({@link org.facestream.ingest.FrameSampler}), JPEG-encodes them at the size the detector works
 * at ({@code ingest.max.side}, a camera substream's 640 px by default) and produces
 * {@link org.facestream.events.Frame} records to {@code facestream.frames.v1}, keyed by camera id, so one camera's
 * frames stay in order on one partition. {@link org.facestream.ingest.CameraIngest} runs one camera with its
 * typed {@link org.facestream.config.IngestSettings}; its counters are exported by
 * {@link org.facestream.ingest.IngestMetrics}. Each {@code CameraIngest} is one ingest run: a random id every frame
 * carries, so that frame and observation ids stay unique when a camera's ingest restarts and its sequence starts
 * again at 0. A live camera that does not answer is retried with backoff ({@link org.facestream.ingest.RtspSource});
 * FFmpeg's own log goes to the logger ({@link org.facestream.ingest.FfmpegLog}), not to standard error.
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
