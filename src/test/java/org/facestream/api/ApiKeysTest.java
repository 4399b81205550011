package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Key files: parsing, the error naming the bad line, authentication by hash, ordered roles, minted keys. */
class ApiKeysTest {
    private static final String OPS = ApiKeys.mint();
    private static final String ADMIN = ApiKeys.mint();
    private static final String SHA = "a".repeat(64);

    private static String file() {
        return "# FaceStream API keys\n\n" + ApiKeys.line("ops-1", Role.OPERATOR, OPS) + "   # the night shift\n"
                + ApiKeys.line("root.admin@site", Role.ADMIN, ADMIN) + "\r\n";
    }

    @Test
    void aKeyFileMapsEachKeyToItsIdAndRole() {
        ApiKeys keys = ApiKeys.parse(file(), "keys.txt", "d1");
        assertThat(ApiKeyFile.describe(keys.roles())).isEqualTo("ops-1:operator,root.admin@site:admin");
        assertThat(keys.authenticate(OPS)).contains(new Principal("ops-1", Role.OPERATOR));
        assertThat(keys.authenticate(ADMIN)).contains(new Principal("root.admin@site", Role.ADMIN));
        assertThat(keys.authenticate(OPS + "x")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate("x".repeat(10_000))).isEmpty();
        assertThat(keys.digest()).isEqualTo("d1");
        // the file holds hashes only
        assertThat(file()).doesNotContain(OPS).doesNotContain(ADMIN);
    }

    @Test
    void badLinesAreRefusedNamingTheFileLineAndWhatWasExpected() {
        String good = ApiKeys.line("ops-1", Role.OPERATOR, OPS) + "\n";
        assertThatThrownBy(() -> ApiKeys.parse(good + "viewer-1 viewer\n", "keys.txt", ""))
                .isInstanceOf(ApiKeys.KeyFileException.class)
                .hasMessage(
                        "api key file keys.txt line 2: expected <key-id> <role> <sha256-hex-of-key>, found 2 field(s)");
        assertThatThrownBy(() -> ApiKeys.parse("# c\n" + good + "boss root " + SHA + "\n", "keys.txt", ""))
                .hasMessage("api key file keys.txt line 3: expected role viewer, operator, admin, found 'root'");
        assertThatThrownBy(() -> ApiKeys.parse("v1 viewer abc123\n", "keys.txt", ""))
                .hasMessage(
                        "api key file keys.txt line 1: expected the key's sha256 as 64 hex digits, found 6 characters");
        assertThatThrownBy(() -> ApiKeys.parse("v1 viewer " + OPS + "\n", "keys.txt", ""))
                .hasMessageEndingWith("(a key itself: store its hash, facestream api-key create prints it)");
        assertThatThrownBy(() -> ApiKeys.parse("bad/id viewer " + SHA + "\n", "keys.txt", ""))
                .hasMessage(
                        "api key file keys.txt line 1: expected a key id of 1-64 characters [A-Za-z0-9._@-], found 'bad/id'");
        assertThatThrownBy(() -> ApiKeys.parse(good + "\nops-1 admin " + SHA + "\n", "keys.txt", ""))
                .hasMessage(
                        "api key file keys.txt line 3: expected each key id once, found ops-1 again (first on line 1)");
        assertThatThrownBy(() -> ApiKeys.parse(good + good.replace("ops-1", "ops-2"), "keys.txt", ""))
                .hasMessage(
                        "api key file keys.txt line 2: expected each key hash once, found the hash of line 1 again");
        assertThatThrownBy(() -> ApiKeys.parse("# nothing yet\n\n", "keys.txt", ""))
                .hasMessage(
                        "api key file keys.txt: expected at least one key line <key-id> <role> <sha256-hex-of-key>, found none");
    }

    @Test
    void rolesAreOrderedAdminOverOperatorOverViewer() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.ADMIN.includes(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.ADMIN)).isFalse();
        assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.parse("operator")).isEqualTo(Role.OPERATOR);
    }

    @Test
    void mintedKeysAreRandomPrefixedAndHashedIntoTheirLine() {
        assertThat(OPS).startsWith("fsk_").hasSize(4 + 43).isNotEqualTo(ADMIN);
        // sha256("abc"), the FIPS 180-2 test vector
        assertThat(ApiKeys.line("k", Role.VIEWER, "abc"))
                .isEqualTo("k viewer ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThatThrownBy(() -> ApiKeys.line("has space", Role.VIEWER, OPS))
                .hasMessageStartingWith("expected a key id of 1-64 characters");
    }
}
