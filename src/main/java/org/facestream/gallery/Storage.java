package org.facestream.gallery;

/**
 * How {@link FlatIndex} holds the vectors it scans. Compressed forms speed up the one-probe scan, which is
 * bound by memory bandwidth (fewer bytes per row); a batched scan is bound by multiply-adds, which they do not
 * reduce. The index always keeps the fp32 rows as well and re-scores candidates in fp32 until the top k is
 * proven (or searches again in fp32), so results and scores are exactly those of {@link #FP32}.
 */
public enum Storage {
    /** The fp32 rows only: exact scan, memory = the raw vectors. */
    FP32,
    /** IEEE half precision copy scanned first (2 bytes per value, about 3 significant digits). */
    FP16,
    /** Signed bytes with one scale per row (1 byte per value), scanned first. */
    INT8
}
