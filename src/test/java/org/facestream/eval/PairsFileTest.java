package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairsFileTest {
    @TempDir
    Path dir;

    Path images;

    @BeforeEach
    void images() throws IOException {
        images = dir.resolve("lfw");
        for (String name : List.of("Ann_A:1", "Ann_A:2", "Ann_A:3", "Bob_B:1", "Bob_B:2", "Cy_C:1", "Cy_C:12")) {
            String[] p = name.split(":");
            Files.createDirectories(images.resolve(p[0]));
            Files.writeString(
                    images.resolve(p[0]).resolve(String.format("%s_%04d.jpg", p[0], Integer.parseInt(p[1]))), "x");
        }
    }

    private Path file(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void readsView1MatchedThenMismatched() throws IOException {
        PairsFile f = PairsFile.read(
                file("pairsDevTest.txt", "2\nAnn_A\t1\t2\nBob_B 1 2\nAnn_A 3 Cy_C 12\nBob_B 2 Cy_C 1\n"), images);
        assertThat(f.view()).isEqualTo(1);
        assertThat(f.folds()).isEqualTo(1);
        assertThat(f.pairs()).extracting(FacePair::same).containsExactly(true, true, false, false);
        assertThat(f.pairs().get(0).first()).isEqualTo(images.resolve("Ann_A/Ann_A_0001.jpg"));
        assertThat(f.pairs().get(2).second()).isEqualTo(images.resolve("Cy_C/Cy_C_0012.jpg"));
        assertThat(f.pairs().get(3).source()).isEqualTo("pairsDevTest.txt:5");
        assertThat(f.pairs()).extracting(FacePair::fold).containsOnly(0);
    }

    @Test
    void readsView2FoldsByPosition() throws IOException {
        PairsFile f = PairsFile.read(
                file("pairs.txt", "2\t1\nAnn_A 1 2\nAnn_A 1 Bob_B 1\nBob_B 1 2\nCy_C 1 Ann_A 3\n"), images);
        assertThat(f.view()).isEqualTo(2);
        assertThat(f.folds()).isEqualTo(2);
        assertThat(f.pairs()).extracting(FacePair::fold).containsExactly(0, 0, 1, 1);
        assertThat(f.pairs()).extracting(FacePair::same).containsExactly(true, false, true, false);
        assertThat(f.matched()).isEqualTo(2);
    }

    @Test
    void malformedLineNamesItsNumber() throws IOException {
        Path f = file("pairs.txt", "1 2\nAnn_A 1 2\nBob_B 1 2\nAnn_A 1 Bob_B 1\nfoo\n");
        assertThatThrownBy(() -> PairsFile.read(f, images))
                .isInstanceOf(PairsFormatException.class)
                .hasMessage("pairs.txt line 5: expected 'name n1 n2' or 'name1 n1 name2 n2', found 'foo'");
    }

    @Test
    void wrongHeaderIsLineOne() throws IOException {
        assertThatThrownBy(() -> PairsFile.read(file("p.txt", "ten 300\nAnn_A 1 2\n"), images))
                .hasMessageStartingWith("p.txt line 1: expected a header 'N' (View 1) or 'folds N' (View 2)")
                .hasMessageEndingWith("found 'ten 300'");
        assertThatThrownBy(() -> PairsFile.read(file("q.txt", "1 2 3\n"), images))
                .hasMessageStartingWith("q.txt line 1: ");
        assertThatThrownBy(() -> PairsFile.read(file("e.txt", ""), images)).hasMessageContaining("found an empty file");
    }

    @Test
    void view2CountNotMatchingHeaderNamesFirstMissingLine() throws IOException {
        assertThatThrownBy(() -> PairsFile.read(file("p.txt", "1 2\nAnn_A 1 2\nBob_B 1 2\nAnn_A 3 Cy_C 12\n"), images))
                .hasMessage("p.txt line 5: expected 4 pair lines after the header '1 2' (1 x 2 x 2), found 3");
    }

    @Test
    void view1FilesThatAreNotExactlyBalancedAreReadByTheFormOfEachLine() throws IOException {
        // 2 matched and 1 mismatched under a header of 2, mixed order: read, the count mismatch only logged
        PairsFile f = PairsFile.read(file("deepface.txt", "2\nAnn_A 1 2\nAnn_A 3 Cy_C 12\nBob_B 1 2\n"), images);
        assertThat(f.view()).isEqualTo(1);
        assertThat(f.pairs()).extracting(FacePair::same).containsExactly(true, false, true);
        assertThat(f.matched()).isEqualTo(2);
        // and without a header at all
        PairsFile bare = PairsFile.read(file("bare.txt", "Ann_A 1 Bob_B 1\nAnn_A 1 2\nCy_C 1 12\n"), images);
        assertThat(bare.pairs()).extracting(FacePair::same).containsExactly(false, true, true);
        assertThat(bare.pairs().get(0).source()).isEqualTo("bare.txt:1");
        assertThatThrownBy(() -> PairsFile.read(file("h.txt", "3\n"), images))
                .hasMessage("h.txt line 2: expected pair lines after the header, found none");
    }

    @Test
    void unknownNameAndMissingImageNameTheLine() throws IOException {
        assertThatThrownBy(() -> PairsFile.read(file("p.txt", "1\nZed_Z 1 2\nAnn_A 1 Bob_B 1\n"), images))
                .hasMessageStartingWith("p.txt line 2: expected a folder for 'Zed_Z'")
                .hasMessageEndingWith("found none (unknown name)");
        assertThatThrownBy(() -> PairsFile.read(file("p.txt", "1\nAnn_A 1 2\nAnn_A 1 Bob_B 7\n"), images))
                .hasMessageStartingWith("p.txt line 3: expected image ")
                .hasMessageContaining("Bob_B_0007.jpg");
    }

    @Test
    void view2PairOfTheWrongKindInABlockIsRejected() throws IOException {
        assertThatThrownBy(() -> PairsFile.read(file("p.txt", "1 1\nAnn_A 1 Bob_B 1\nAnn_A 1 2\n"), images))
                .hasMessage("p.txt line 2: expected a matched pair 'name n1 n2', found 'Ann_A 1 Bob_B 1'");
    }
}
