/**
 * Five-point alignment: a least-squares similarity transform (rotation, uniform scale, translation, never a
 * reflection) from detected landmarks to the embedder's template, then a bilinear warp with a black border.
 * {@link org.facestream.align.SimilarityTransform} is the pure maths; {@link org.facestream.align.FaceAligner}
 * applies it with OpenCV. No topics, no stores.
 */
package org.facestream.align;
