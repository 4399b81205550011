package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one rule for a folder of people's photos, as {@code enroll --dir} and the cohort read it. */
class PhotoFolderTest {
    @TempDir
    Path root;

    private Path file(String relative) throws Exception {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.write(p, new byte[] {1});
    }

    @Test
    void aPhotoInTheFolderIsOnePersonAndASubFolderHoldsOnePersonsPhotos() throws Exception {
        Path a1 = file("alice/1.jpg");
        Path a2 = file("alice/2.PNG");
        file("alice/notes.txt");
        file("alice/older/3.jpg"); // deeper folders are not read
        Path bob = file("bob.jpeg");
        Path carol = file("carol/c.png");
        Path alice3 = file("alice.jpg"); // joins the folder of the same name
        Files.createDirectories(root.resolve("empty"));
        file("readme.md");
        file(".jpg"); // a name that only is an extension

        SortedMap<String, List<Path>> people = PhotoFolder.people(root);

        assertThat(people.keySet()).containsExactly("alice", "bob", "carol");
        assertThat(people.get("alice")).as("sorted by path").containsExactly(alice3, a1, a2);
        assertThat(people.get("bob")).containsExactly(bob);
        assertThat(people.get("carol")).containsExactly(carol);
    }

    @Test
    void aFolderWithoutPhotosHasNobody() throws Exception {
        file("x/notes.txt");
        assertThat(PhotoFolder.people(root)).isEmpty();
    }
}
