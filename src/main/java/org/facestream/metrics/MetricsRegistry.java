package org.facestream.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Named counters, gauges and latency histograms with at most one label, written in the Prometheus text
 * format with the {@code facestream_} prefix. Thread-safe; stages create their series once and keep them,
 * at start-up (a counter that first appears with its first event hides that event from {@code increase()}
 * and {@code rate()}), and read their own counts back from them rather than keeping a second copy.
 *
 * <p>Names follow Prometheus' conventions, which {@code promtool check metrics} lints, and are refused
 * otherwise: snake case, a counter's name ends in {@code _total} and a gauge's or histogram's does not, and a
 * name has one type. A count kept elsewhere (a source's frame counter) is exported as a counter through
 * {@link #counter(String, String, String, LongSupplier)}, never as a gauge.
 */
public final class MetricsRegistry {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final Map<String, String> help = new ConcurrentSkipListMap<>();
    private final Map<String, String> types = new ConcurrentHashMap<>();
    private final Map<String, Map<String, LongAdder>> counters = new ConcurrentSkipListMap<>();
    private final Map<String, Map<String, LongSupplier>> counterFunctions = new ConcurrentSkipListMap<>();
    private final Map<String, Map<String, DoubleSupplier>> secondCounters = new ConcurrentSkipListMap<>();
    private final Map<String, Map<String, DoubleSupplier>> gauges = new ConcurrentSkipListMap<>();
    private final Map<String, Map<String, LatencyHistogram>> histograms = new ConcurrentSkipListMap<>();
    private static final double[] BUCKETS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000};

    /**
     * A counter; {@code label} is {@code key="value"} or empty.
     *
     * @throws IllegalArgumentException when the name does not end in {@code _total} or has another type
     */
    public LongAdder counter(String name, String helpText, String label) {
        declare(name, "counter", helpText);
        return counters.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(label, l -> new LongAdder());
    }

    /**
     * A counter whose value is kept elsewhere and read at each scrape: {@code value} must never decrease (a
     * source's frame count, a hub's dropped clients). Registering a label again replaces its supplier.
     */
    public void counter(String name, String helpText, String label, LongSupplier value) {
        declare(name, "counter", helpText);
        counterFunctions
                .computeIfAbsent(name, n -> new ConcurrentSkipListMap<>())
                .put(label, value);
    }

    /**
     * A counter of seconds spent, kept elsewhere and read at each scrape ({@code seconds} never decreases): time
     * counts as a counter (its rate is the share of a core), with a fraction.
     */
    public void secondsCounter(String name, String helpText, String label, DoubleSupplier seconds) {
        declare(name, "counter", helpText);
        secondCounters.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>()).put(label, seconds);
    }

    public LongAdder counter(String name, String helpText) {
        return counter(name, helpText, "");
    }

    /** A gauge: a value that goes up and down (sizes, the threshold in force); its name never ends in {@code _total}. */
    public void gauge(String name, String helpText, String label, DoubleSupplier value) {
        declare(name, "gauge", helpText);
        gauges.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>()).put(label, value);
    }

    public LatencyHistogram histogram(String name, String helpText, String label) {
        declare(name, "histogram", helpText);
        return histograms
                .computeIfAbsent(name, n -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(label, l -> new LatencyHistogram());
    }

    private void declare(String name, String type, String helpText) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("expected a snake_case metric name, found '" + name + "'");
        }
        if (type.equals("counter") != name.endsWith("_total")) {
            throw new IllegalArgumentException("expected " + (type.equals("counter") ? "a counter" : "a " + type)
                    + " name " + (type.equals("counter") ? "ending" : "not ending") + " in _total, found '" + name
                    + "'");
        }
        String before = types.putIfAbsent(name, type);
        if (before != null && !before.equals(type)) {
            throw new IllegalArgumentException(
                    "expected " + name + " to stay a " + before + ", found it registered as a " + type);
        }
        help.putIfAbsent(name, helpText);
    }

    /** Current value of a counter summed over its labels (0 when absent). */
    public long total(String name) {
        Map<String, LongAdder> series = counters.get(name);
        long kept = series == null
                ? 0
                : series.values().stream().mapToLong(LongAdder::sum).sum();
        Map<String, LongSupplier> read = counterFunctions.get(name);
        return kept
                + (read == null
                        ? 0
                        : read.values().stream()
                                .mapToLong(LongSupplier::getAsLong)
                                .sum());
    }

    /**
     * Counter values by label, of the series that have counted something: stages create their labelled
     * series at zero so that Prometheus sees them before the first event, and a summary (the demo's dead
     * letters by reason) lists what happened, not every reason that could.
     */
    public Map<String, Long> byLabel(String name) {
        Map<String, Long> out = new TreeMap<>();
        Map<String, LongAdder> series = counters.get(name);
        if (series != null) {
            series.forEach((l, v) -> {
                long n = v.sum();
                if (n != 0) {
                    out.put(l, n);
                }
            });
        }
        return out;
    }

    /** The Prometheus text exposition format (version 0.0.4). */
    public String prometheusText() {
        StringBuilder sb = new StringBuilder();
        Map<String, Map<String, Long>> counterValues = new TreeMap<>();
        counters.forEach((name, series) -> series.forEach((label, v) ->
                counterValues.computeIfAbsent(name, n -> new TreeMap<>()).put(label, v.sum())));
        counterFunctions.forEach((name, series) -> series.forEach((label, v) ->
                counterValues.computeIfAbsent(name, n -> new TreeMap<>()).merge(label, v.getAsLong(), Long::sum)));
        counterValues.forEach((name, series) -> {
            header(sb, name, "counter");
            series.forEach((label, v) -> sb.append("facestream_")
                    .append(name)
                    .append(braces(label))
                    .append(' ')
                    .append(v)
                    .append('\n'));
        });
        appendDoubles(sb, secondCounters, "counter");
        appendDoubles(sb, gauges, "gauge");
        histograms.forEach((name, series) -> {
            header(sb, name, "histogram");
            series.forEach((label, h) -> {
                String sep = label.isEmpty() ? "" : label + ",";
                for (double b : BUCKETS_MS) {
                    sb.append("facestream_")
                            .append(name)
                            .append("_bucket{")
                            .append(sep)
                            .append("le=\"")
                            .append(b / 1000)
                            .append("\"} ")
                            .append(h.countAtOrBelowMillis(b))
                            .append('\n');
                }
                sb.append("facestream_")
                        .append(name)
                        .append("_bucket{")
                        .append(sep)
                        .append("le=\"+Inf\"} ")
                        .append(h.count())
                        .append('\n');
                sb.append("facestream_")
                        .append(name)
                        .append("_sum")
                        .append(braces(label))
                        .append(' ')
                        .append(h.sumSeconds())
                        .append('\n');
                sb.append("facestream_")
                        .append(name)
                        .append("_count")
                        .append(braces(label))
                        .append(' ')
                        .append(h.count())
                        .append('\n');
            });
        });
        return sb.toString();
    }

    private void header(StringBuilder sb, String name, String type) {
        sb.append("# HELP facestream_")
                .append(name)
                .append(' ')
                .append(help.getOrDefault(name, name))
                .append('\n');
        sb.append("# TYPE facestream_").append(name).append(' ').append(type).append('\n');
    }

    /** Series whose values are read as doubles at the scrape: seconds counters and gauges. */
    private void appendDoubles(StringBuilder sb, Map<String, Map<String, DoubleSupplier>> all, String type) {
        all.forEach((name, series) -> {
            header(sb, name, type);
            series.forEach((label, v) -> sb.append("facestream_")
                    .append(name)
                    .append(braces(label))
                    .append(' ')
                    .append(v.getAsDouble())
                    .append('\n'));
        });
    }

    private static String braces(String label) {
        return label.isEmpty() ? "" : "{" + label + "}";
    }

    /** A label {@code key="value"} with the value escaped for the text format. */
    public static String label(String key, String value) {
        return key + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
