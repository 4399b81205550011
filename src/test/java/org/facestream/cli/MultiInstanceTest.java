package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.MasterKeySetup;
import org.facestream.config.WorkerConfig;
import org.facestream.crypto.MasterKey;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.match.MatcherService;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Await;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.worker.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-process mode shares the load: two worker instances split the frames partitions between them, and two
 * matcher instances (each with its own RocksDB state directory) split the faces partitions.
 */
class MultiInstanceTest {
    @TempDir
    Path dir;

    @Test
    void twoWorkersAndTwoMatchersEachReceivePartitions() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            TopicCatalogue.load().ensureTopics(admin);
            FaceStreamConfig base = FaceStreamConfig.load(
                    null,
                    Map.of(),
                    Map.of(
                            FaceStreamConfig.BOOTSTRAP,
                            broker.bootstrapServers(),
                            FaceStreamConfig.MODELS_DIR,
                            SharedData.models().toString(),
                            FaceStreamConfig.WORKER_THREADS,
                            "2"));
            Path key = dir.resolve("master.key");
            MasterKey.generate().write(key);
            FaceStreamConfig matcherA = FaceStreamConfig.load(
                    null,
                    Map.of(),
                    Map.of(
                            FaceStreamConfig.BOOTSTRAP,
                            broker.bootstrapServers(),
                            FaceStreamConfig.STATE_DIR,
                            dir.resolve("state-a").toString(),
                            FaceStreamConfig.MASTER_KEY_FILE,
                            key.toString()));
            FaceStreamConfig matcherB = FaceStreamConfig.load(
                    null,
                    Map.of(),
                    Map.of(
                            FaceStreamConfig.BOOTSTRAP,
                            broker.bootstrapServers(),
                            FaceStreamConfig.STATE_DIR,
                            dir.resolve("state-b").toString(),
                            FaceStreamConfig.MASTER_KEY_FILE,
                            key.toString()));
            MetricsRegistry metrics = new MetricsRegistry();
            try (WorkerPool workers = WorkerPool.start(base, "multi", metrics);
                    MatcherService a = MatcherService.fromConfig(
                            matcherA,
                            MasterKeySetup.require(matcherA, "matcher"),
                            TestAuditKeys.keys(),
                            "a",
                            Optional::empty,
                            metrics);
                    MatcherService b = MatcherService.fromConfig(
                            matcherB,
                            MasterKeySetup.require(matcherB, "matcher"),
                            TestAuditKeys.keys(),
                            "b",
                            Optional::empty,
                            metrics)) {
                a.start(Duration.ofMinutes(1));
                b.start(Duration.ofMinutes(1));
                assertThat(workers.size()).isEqualTo(2);
                assertEachMemberOwnsPartitions(admin, WorkerConfig.GROUP_ID, Topics.FRAMES);
                assertEachMemberOwnsPartitions(admin, MatcherService.APPLICATION_ID, Topics.FACES);
            }
        }
    }

    private static void assertEachMemberOwnsPartitions(Admin admin, String group, String topic) throws Exception {
        List<Set<TopicPartition>> owned = Await.until(
                "two members of " + group + " owning partitions of " + topic,
                Duration.ofSeconds(60),
                () -> admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().stream()
                        .map(MemberDescription::assignment)
                        .map(asg -> asg.topicPartitions().stream()
                                .filter(tp -> tp.topic().equals(topic))
                                .collect(Collectors.toSet()))
                        .toList(),
                o -> o.size() == 2 && o.stream().allMatch(s -> !s.isEmpty()));
        System.err.println(group + " assignment of " + topic + ": " + owned);
        assertThat(owned)
                .as("members of %s", group)
                .hasSize(2)
                .allSatisfy(s -> assertThat(s).isNotEmpty());
        assertThat(owned.get(0)).doesNotContainAnyElementsOf(owned.get(1));
    }
}
