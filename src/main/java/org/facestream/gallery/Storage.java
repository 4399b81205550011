package org.facestream.gallery;

/**
 * How {@link FlatIndex} holds the vectors it scans. Compressed forms only speed up the scan (fewer bytes
 * per row to stream from memory); the index always keeps the fp32 rows as well and re-scores the best
 * candidates exactly, so reported scores are exact fp32 inner products.
 */
public enum Storage {
    /** The fp32 rows only: exact scan, memory = the raw vectors. */
    FP32,
    /** IEEE half precision copy scanned first (2 bytes per value, about 3 significant digits). */
    FP16,
    /** Signed bytes with one scale per row (1 byte per value), scanned first. */
    INT8
}
