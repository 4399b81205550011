package org.facestream.match;

import org.facestream.gallery.GallerySearch;

/**
 * What the matcher compares: the settings every decision shares, whichever threshold ({@link ThresholdMode})
 * and tracking ({@link Tracking}) it runs with.
 *
 * @param topK number of candidates ranked per observation and carried on each identity event, in [1, 100]
 * @param modelPackId the model pack whose embeddings this matcher compares; observations and gallery
 *     records of any other pack are refused, since embeddings of different models are not comparable
 * @param dimension expected embedding length, or 0 to take it from the first gallery record
 * @param includeEmbeddings whether identity events carry the probe embedding; must be false, identity
 *     events v1 have no embedding field (reserved for a later schema)
 * @param search what the gallery index scans per observation ({@code matcher.search.storage}); exact in
 *     every mode
 */
public record MatcherConfig(
        int topK, String modelPackId, int dimension, boolean includeEmbeddings, GallerySearch search) {
    public static final int DEFAULT_TOP_K = 5;
    public static final int MAX_TOP_K = 100;

    public MatcherConfig {
        if (topK < 1 || topK > MAX_TOP_K) {
            throw new IllegalArgumentException("expected topK in [1, " + MAX_TOP_K + "], found " + topK);
        }
        if (modelPackId == null || modelPackId.isBlank()) {
            throw new IllegalArgumentException(
                    "expected a modelPackId, found " + (modelPackId == null ? "null" : "a blank string"));
        }
        if (dimension < 0) {
            throw new IllegalArgumentException("expected dimension >= 0 (0 = from the gallery), found " + dimension);
        }
        if (search == null) {
            throw new IllegalArgumentException("expected a gallery search mode, found null");
        }
        if (includeEmbeddings) {
            throw new IllegalArgumentException(
                    "expected includeEmbeddings false (identity events v1 carry no embedding), found true");
        }
    }

    /** The default search mode ({@link GallerySearch#AUTO}). */
    public MatcherConfig(int topK, String modelPackId, int dimension, boolean includeEmbeddings) {
        this(topK, modelPackId, dimension, includeEmbeddings, GallerySearch.AUTO);
    }

    /** Top {@value #DEFAULT_TOP_K}, dimension taken from the gallery, no embeddings, default search mode. */
    public static MatcherConfig of(String modelPackId) {
        return new MatcherConfig(DEFAULT_TOP_K, modelPackId, 0, false);
    }

    /** A copy with an explicit expected dimension. */
    public MatcherConfig withDimension(int dimension) {
        return new MatcherConfig(topK, modelPackId, dimension, includeEmbeddings, search);
    }

    /** A copy with another top-k. */
    public MatcherConfig withTopK(int topK) {
        return new MatcherConfig(topK, modelPackId, dimension, includeEmbeddings, search);
    }
}
