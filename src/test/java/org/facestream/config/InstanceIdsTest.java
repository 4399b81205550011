package org.facestream.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceIdsTest {
    @Test
    void replacesEveryCharacterKafkaIdsCannotHold() {
        assertThat(InstanceIds.safe("worker-7.eu_1")).isEqualTo("worker-7.eu_1");
        assertThat(InstanceIds.safe("pod 1:a/b@c")).isEqualTo("pod-1-a-b-c");
    }

    @Test
    void thisHostHasANonEmptySafeId() {
        assertThat(InstanceIds.ofThisHost()).matches("[A-Za-z0-9._-]+");
    }
}
