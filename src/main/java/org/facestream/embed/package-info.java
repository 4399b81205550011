/**
 * Embedding and the vision path: {@link org.facestream.embed.FaceEmbedder} turns aligned crops into
 * embeddings, {@link org.facestream.embed.FaceAnalyzer} runs detect, align and embed as one call shared by
 * the worker, enrollment and evaluations, and {@link org.facestream.embed.FrameDecoder} turns frame bytes into
 * BGR images with a decompression-bomb guard. The vision worker that consumes {@code facestream.frames.v1} and
 * produces {@code facestream.faces.v1} lives here too; this package keeps no stores.
 */
package org.facestream.embed;
