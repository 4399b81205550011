/**
 * Embedding: {@link org.facestream.embed.FaceEmbedder} turns aligned face crops into L2-normalised
 * embeddings; {@link org.facestream.embed.OnnxFaceEmbedder} runs a margin-loss-trained model (ArcFace family)
 * through ONNX Runtime. No topics, no stores.
 */
package org.facestream.embed;
