package org.facestream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledImagesTest {
    @TempDir
    Path root;

    @Test
    void foldersAreIdentitiesAndOnlyImageFilesCount() throws Exception {
        Files.createDirectories(root.resolve("bob"));
        Files.createDirectories(root.resolve("alice"));
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("bob/2.PNG"), "x");
        Files.writeString(root.resolve("bob/1.jpg"), "x");
        Files.writeString(root.resolve("bob/notes.txt"), "x");
        Files.writeString(root.resolve("alice/a.pgm"), "x");
        Files.writeString(root.resolve("empty/readme"), "x");
        var images = LabelledImages.fromFolders(root);
        assertThat(images.keySet()).containsExactly("alice", "bob");
        assertThat(images.get("bob")).containsExactly(root.resolve("bob/1.jpg"), root.resolve("bob/2.PNG"));
    }

    @Test
    void csvRowsNameTheIdentityLastAndFilesMustExist() throws Exception {
        Files.writeString(root.resolve("a,1.jpg"), "x");
        Files.writeString(root.resolve("b.jpg"), "x");
        Path csv = Files.write(root.resolve("set.csv"), List.of("path,identity", "b.jpg,bob", "", "a,1.jpg,alice"));
        var images = LabelledImages.fromCsv(csv, root);
        assertThat(images.keySet()).containsExactly("alice", "bob");
        assertThat(images.get("alice")).containsExactly(root.resolve("a,1.jpg"));

        Files.write(csv, List.of("file,who"));
        assertThatThrownBy(() -> LabelledImages.fromCsv(csv, root))
                .hasMessage("set.csv line 1: expected header 'path,identity', found 'file,who'");
        Files.write(csv, List.of("path,identity", "missing.jpg,carol"));
        assertThatThrownBy(() -> LabelledImages.fromCsv(csv, root))
                .hasMessage("set.csv line 2: expected an image file, found no file " + root.resolve("missing.jpg"));
    }
}
