package org.facestream.cli;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process by pipeline stage, from the CPU time of its threads grouped by name: the stages of
 * the in-process pipeline run on threads named after them (the camera grab threads, ingest's send threads and
 * producers, the vision workers and their clients, the matcher's stream threads); what no Java thread accounts
 * for (garbage collection, the JIT compiler, native threads) is the process's CPU time minus theirs. Not
 * thread-safe; one sampler.
 */
final class ThreadCpu {
    /** The groups, in report order. */
    static final List<String> GROUPS =
            List.of("ingest_decode", "ingest_encode_send", "worker", "matcher", "kafka_other", "gc_jit_native");

    /** Per-thread CPU nanoseconds and the process's, at one instant. */
    record Snapshot(Map<Long, Long> threadNanos, Map<Long, String> names, long processNanos) {}

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    ThreadCpu() {
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    Snapshot snapshot() {
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long t = threads.getThreadCpuTime(ids[i]);
            if (t >= 0 && infos[i] != null) {
                nanos.put(ids[i], t);
                names.put(ids[i], infos[i].getThreadName());
            }
        }
        return new Snapshot(nanos, names, os.getProcessCpuTime());
    }

    /** Cores used per group between two snapshots {@code seconds} apart (a thread born between them counts from 0). */
    static Map<String, Double> coresBetween(Snapshot from, Snapshot to, double seconds) {
        Map<String, Double> out = new LinkedHashMap<>();
        GROUPS.forEach(g -> out.put(g, 0.0));
        long javaNanos = 0;
        for (Map.Entry<Long, Long> e : to.threadNanos().entrySet()) {
            long delta = e.getValue() - from.threadNanos().getOrDefault(e.getKey(), 0L);
            javaNanos += delta;
            out.merge(group(to.names().get(e.getKey())), delta / 1e9 / seconds, Double::sum);
        }
        long rest = Math.max(0, (to.processNanos() - from.processNanos()) - javaNanos);
        out.merge("gc_jit_native", rest / 1e9 / seconds, Double::sum);
        return out;
    }

    /** Cores the whole process used between two snapshots. */
    static double processCores(Snapshot from, Snapshot to, double seconds) {
        return (to.processNanos() - from.processNanos()) / 1e9 / seconds;
    }

    static String group(String thread) {
        if (thread == null) {
            return "kafka_other";
        }
        if (thread.startsWith(CamerasRun.GRAB_THREAD_PREFIX)) {
            return "ingest_decode";
        }
        if (thread.startsWith("ingest-send-") || thread.contains("facestream-ingest-")) {
            return "ingest_encode_send";
        }
        if (thread.startsWith("vision-worker-") || thread.contains("facestream-worker")) {
            return "worker";
        }
        if (thread.contains("facestream-matcher") || thread.contains("facestream-thresholds")) {
            return "matcher";
        }
        return "kafka_other";
    }
}
