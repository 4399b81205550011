package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {
    private static long kept(FrameSampler s, LongStream times) {
        return times.filter(s::keep).count();
    }

    @Test
    void thirtyFpsAtFiveFpsKeepsEverySixthFrame() {
        // 300 frames of 30 fps media time, rounded to whole ms as decoders report them
        var sampler = new FrameSampler(5);
        long[] kept = LongStream.range(0, 300)
                .map(i -> Math.round(i * 1000 / 30.0))
                .filter(sampler::keep)
                .toArray();
        assertThat(kept).hasSize(50);
        assertThat(kept).startsWith(0, 200, 400, 600);
    }

    @Test
    void zeroKeepsEveryFrameAndASlowSourceKeepsAll() {
        assertThat(kept(new FrameSampler(0), LongStream.range(0, 100))).isEqualTo(100);
        assertThat(kept(new FrameSampler(5), LongStream.range(0, 10).map(i -> i * 500)))
                .isEqualTo(10);
    }

    @Test
    void aGapRestartsTheGridInsteadOfBursting() {
        var s = new FrameSampler(10);
        assertThat(s.keep(0)).isTrue();
        assertThat(s.keep(5_000)).isTrue(); // after a 5 s stall
        assertThat(s.keep(5_033)).isFalse();
        assertThat(s.keep(5_066)).isFalse();
        assertThat(s.keep(5_100)).isTrue();
    }

    @Test
    void rejectsNegativeOrNanRates() {
        assertThatThrownBy(() -> new FrameSampler(-1)).hasMessage("expected fps >= 0 (0 = every frame), found -1.0");
        assertThatThrownBy(() -> new FrameSampler(Double.NaN)).hasMessageStartingWith("expected fps >= 0");
    }
}
