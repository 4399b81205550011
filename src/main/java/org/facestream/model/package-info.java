/**
 * Model packs and ONNX Runtime sessions: the only package that imports {@code ai.onnxruntime}.
 *
 * <p>A {@link org.facestream.model.ModelPack} names a detector and an embedder together with everything that
 * must agree between them and the rest of the pipeline (input sizes, channel order, normalisation, alignment
 * template, embedding dimension, licence, default threshold). {@link org.facestream.model.ModelFiles}
 * resolves a pack's files in a models directory and checks their sha256, and
 * {@link org.facestream.model.OnnxModel} runs one ONNX graph on plain Java arrays so that no ONNX type leaks
 * into the stages. This package reads and writes no topics and keeps no stores.
 */
package org.facestream.model;
