package org.facestream.match;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.events.EventSerdes;
import org.facestream.events.ThresholdState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code threshold-loader} global processor: keeps {@code thresholds-by-policy} and the instance's
 * {@link AdaptiveThreshold} on the latest published state. On start it applies the restored state, so a
 * restarted matcher decides with the last published threshold, not the initial one.
 */
final class ThresholdLoader implements Processor<String, ThresholdState, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdLoader.class);

    private final AdaptiveThreshold policy;
    private KeyValueStore<String, ThresholdState> store;

    ThresholdLoader(AdaptiveThreshold policy) {
        this.policy = policy;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(MatcherTopology.THRESHOLDS_BY_POLICY);
        ThresholdState restored = store.get(policy.policy().policyId());
        if (restored != null) {
            policy.apply(restored);
        }
    }

    @Override
    public void process(Record<String, ThresholdState> record) {
        if (record.key() == null || record.value() == null) {
            // Unreadable bytes read as null (see Lenient): the last good state stays in force.
            LOG.warn("ignoring threshold record for policy {} without a readable state", record.key());
            return;
        }
        store.put(record.key(), record.value());
        policy.apply(record.value());
    }

    /**
     * Reads threshold states without throwing (a global store's deserialization error would stop the
     * instance); bad bytes read as null and are ignored by the loader.
     */
    static final class Lenient implements Deserializer<ThresholdState> {
        private final Deserializer<ThresholdState> strict = EventSerdes.thresholds();

        @Override
        public ThresholdState deserialize(String topic, byte[] data) {
            try {
                return strict.deserialize(topic, data);
            } catch (SerializationException e) {
                LOG.warn("unreadable threshold state on {}: {}", topic, e.getMessage());
                return null;
            }
        }
    }
}
