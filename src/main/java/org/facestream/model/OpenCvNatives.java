package org.facestream.model;

/**
 * Loads the OpenCV native library bundled with {@code org.openpnp:opencv} once per process. Every class that
 * creates a {@code Mat} calls {@link #load()} first; later calls cost a volatile read.
 *
 * <p>Thread-safe, and safe beside {@code ingest}'s own guard (the package arrows keep ingest off {@code model}):
 * both call {@code nu.pattern.OpenCV.loadLocally()}, whose one extraction and {@code System.load} run in the
 * static initialiser of a holder class, which the JVM runs once per process while other callers wait;
 * {@code NativeStressTest} races both from many threads in fresh JVMs and finds one extracted copy each time.
 */
public final class OpenCvNatives {
    private static volatile boolean loaded;

    private OpenCvNatives() {}

    public static void load() {
        if (!loaded) {
            synchronized (OpenCvNatives.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }
}
