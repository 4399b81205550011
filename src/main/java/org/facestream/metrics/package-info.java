/**
 * Counters and latency histograms every stage records into, and their Prometheus text form. Kept free of
 * any metrics library so stages stay light; {@code cli}/{@code api} expose a {@link org.facestream.metrics.MetricsRegistry}
 * at {@code /metrics}.
 */
package org.facestream.metrics;
