package org.facestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.audit.AuditTopic;
import org.facestream.audit.ChainVerifier;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.crypto.AuditKeys;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.Json;
import org.facestream.events.JsonSerde;
import org.facestream.events.Topics;
import org.facestream.kafka.KafkaReachability;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream audit verify|show}: check every hash chain of the audit log, or list its records. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "The audit log: verify its hash chains, or show its records.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Show.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "expected a subcommand (verify, show), found none");
    }

    /**
     * {@code facestream audit verify}: reads the checkpoints and the whole topic and verifies every chain under the
     * audit key; prints a summary and exits 0, or prints each problem (the first ones, topic-partition@offset,
     * expected, found) and exits 1.
     */
    @Command(
            name = "verify",
            description = "Verify every chain of the audit topic (hashes, links, the audit key's macs, the checkpointed"
                    + " heads): exit 0 when all hold, 1 naming the first bad record.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(
                names = "--topic",
                defaultValue = Topics.AUDIT,
                paramLabel = "TOPIC",
                description = "Topic to verify (default ${DEFAULT-VALUE}; e.g. a mirrored copy).")
        String topic;

        @Option(
                names = "--heads-topic",
                defaultValue = Topics.AUDIT_HEADS,
                paramLabel = "TOPIC",
                description = "Topic of the chains' checkpointed heads (default ${DEFAULT-VALUE}).")
        String headsTopic;

        @Override
        public Integer call() {
            FaceStreamConfig cfg = common.resolve();
            AuditKeys keys = AuditKeySetup.require(cfg, "audit verify");
            KafkaReachability.require(cfg.string(FaceStreamConfig.BOOTSTRAP), Duration.ofSeconds(5));
            ChainVerifier.Result result = AuditTopic.verify(cfg.kafkaClientSettings(), topic, headsTopic, keys);
            var out = System.out;
            if (!result.verified()) {
                out.println("audit verify: BROKEN: " + result.problems().get(0));
                for (ChainVerifier.Problem p :
                        result.problems().subList(1, result.problems().size())) {
                    out.println("  also: " + p);
                }
                out.println("audit verify: " + result.problemCount() + " problem(s) in " + result.records()
                        + " records of " + topic + ", " + result.chains().size() + " chains");
                out.flush();
                return 1;
            }
            for (ChainVerifier.ChainSummary c : result.chains()) {
                out.println("  chain " + c.chainId() + " (writer " + c.writer() + "): " + c.records()
                        + " records, sequence "
                        + c.firstSequence() + ".." + c.headSequence() + ", " + c.firstAt() + " .. " + c.lastAt() + ", "
                        + (c.closed() ? "closed" : "open") + ", checkpointed at " + c.checkpointSequence() + ", head "
                        + c.headHash());
            }
            out.println("audit verify: OK: " + result.records() + " records of " + topic + " in "
                    + result.chains().size() + " chains, every hash, link and mac holds under audit key "
                    + keys.currentKeyId() + ", every checkpointed head is there");
            out.flush();
            return 0;
        }
    }

    /** {@code facestream audit show}: the records, oldest first, optionally of one subject, action or actor. */
    @Command(
            name = "show",
            description = "List audit records (oldest first), optionally of one subject, action or actor.")
    static final class Show implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--subject", paramLabel = "ID", description = "Only records about this subject.")
        String subject;

        @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. subject-erased.")
        String action;

        @Option(
                names = "--actor",
                paramLabel = "ACTOR",
                description = "Only this actor, e.g. api-key:ops-1 or user:alice.")
        String actor;

        @Option(names = "--last", paramLabel = "N", description = "Only the last N matching records.")
        Integer last;

        @Option(names = "--json", description = "One JSON record per line instead of text.")
        boolean json;

        @Option(
                names = "--topic",
                defaultValue = Topics.AUDIT,
                paramLabel = "TOPIC",
                description = "Topic (default ${DEFAULT-VALUE}).")
        String topic;

        @Override
        public Integer call() throws Exception {
            if (last != null && last < 1) {
                throw new IllegalArgumentException("expected --last >= 1, found " + last);
            }
            FaceStreamConfig cfg = common.resolve();
            KafkaReachability.require(cfg.string(FaceStreamConfig.BOOTSTRAP), Duration.ofSeconds(5));
            JsonSerde<AuditRecord> serde = EventSerdes.audit();
            Deque<String> lines = new ArrayDeque<>();
            AuditTopic.readAll(cfg.kafkaClientSettings(), topic, r -> {
                AuditRecord a;
                try {
                    a = serde.deserialize(r.topic(), r.value());
                } catch (SerializationException e) {
                    a = null;
                }
                if (a == null) {
                    if (subject == null && action == null && actor == null) {
                        add(
                                lines,
                                r.topic() + "-" + r.partition() + "@" + r.offset()
                                        + "  unreadable record (audit verify names the problem)");
                    }
                    return;
                }
                if ((subject != null && !subject.equals(a.subject()))
                        || (action != null && !action.equals(a.action()))
                        || (actor != null && !actor.equals(a.actor()))) {
                    return;
                }
                add(
                        lines,
                        json
                                ? toJson(a)
                                : a.at() + "  " + a.actor() + "  " + a.action()
                                        + (a.subject() == null ? "" : "  " + a.subject()) + "  " + a.details() + "  ["
                                        + a.chainId() + "#" + a.sequence() + " at " + r.partition() + "@" + r.offset()
                                        + "]");
            });
            lines.forEach(System.out::println);
            System.out.flush();
            return 0;
        }

        private void add(Deque<String> lines, String line) {
            if (last == null) {
                System.out.println(line); // everything: stream it rather than hold the whole log
                return;
            }
            lines.addLast(line);
            if (last != null && lines.size() > last) {
                lines.removeFirst();
            }
        }

        private static String toJson(AuditRecord a) {
            try {
                return Json.MAPPER.writeValueAsString(a);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
