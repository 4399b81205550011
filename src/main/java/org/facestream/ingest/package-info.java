/**
 * Camera ingest: decodes pictures from a video file, a live RTSP camera or a folder of images
 * ({@link org.facestream.ingest.FrameSource}), keeps them at a target rate, JPEG-encodes them and produces
 * {@link org.facestream.events.Frame} records to {@code facestream.frames.v1}, keyed by camera id.
 *
 * <p>Two threads per camera: the grab thread decodes and samples; the produce thread encodes and sends.
 * Between them a {@link org.facestream.ingest.LatestFrameHandoff} keeps the newest frames when the producer
 * falls behind on a live source, and blocks on a file so that no sampled frame is lost.
 *
 * <p>Input: cameras and files. Output topic: {@code facestream.frames.v1}. No state stores.
 */
package org.facestream.ingest;
