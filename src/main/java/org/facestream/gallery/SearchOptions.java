package org.facestream.gallery;

/**
 * How a {@link FlatIndex} (and the {@link GalleryIndex} over it) scans.
 *
 * @param threads worker threads for one search call, each scanning one contiguous shard of rows; 1 scans
 *     on the caller's thread
 * @param storage what the scan reads; compressed forms re-score their best candidates exactly in fp32
 * @param rerankCandidates with compressed storage, how many approximate best rows per probe the scan keeps
 *     (at least k); they are re-scored in fp32 only until the top k is proven, and a probe whose candidates
 *     cannot prove it is searched again in fp32; ignored for fp32
 */
public record SearchOptions(int threads, Storage storage, int rerankCandidates) {
    public static final SearchOptions DEFAULT = new SearchOptions(1, Storage.FP32, 64);

    public SearchOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("expected threads in [1, 1024], found " + threads);
        }
        if (storage == null) {
            throw new IllegalArgumentException("expected a storage (fp32, fp16 or int8), found null");
        }
        if (rerankCandidates < 1) {
            throw new IllegalArgumentException("expected rerankCandidates >= 1, found " + rerankCandidates);
        }
    }

    public SearchOptions withThreads(int n) {
        return new SearchOptions(n, storage, rerankCandidates);
    }

    public SearchOptions withStorage(Storage s) {
        return new SearchOptions(threads, s, rerankCandidates);
    }
}
