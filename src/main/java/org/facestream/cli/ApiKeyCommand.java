package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import org.facestream.api.ApiKeys;
import org.facestream.api.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facestream api-key create --role R --id ID [--file F]}: mints a random API key. The secret is printed
 * once and never stored; the key file gets only the line {@code <id> <role> <sha256>}. With {@code --file} the
 * line is appended (the file created readable by its owner only) and only the secret is printed, for scripts;
 * a running API picks the change up within seconds and audits it.
 */
@Command(
        name = "api-key",
        description = "API keys: 'create' mints a key, prints it once and the line for the key file.")
final class ApiKeyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "create", description = "create: mint a new key.")
    String action;

    @Option(
            names = "--role",
            required = true,
            paramLabel = "viewer|operator|admin",
            description = "What the key may do.")
    String role;

    @Option(
            names = "--id",
            required = true,
            paramLabel = "ID",
            description = "Key id, as audit records name it ([A-Za-z0-9._@-], up to 64).")
    String id;

    @Option(
            names = "--file",
            paramLabel = "FILE",
            description = "Append the line to this key file (api.keys.file) and print only the key.")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (!action.equals("create")) {
            throw new IllegalArgumentException("expected 'create', found '" + action + "'");
        }
        Role r = Role.parse(role);
        String secret = ApiKeys.mint();
        String line = ApiKeys.line(id, r, secret);
        if (file == null) {
            System.out.println("api key (shown once, store it now): " + secret);
            System.out.println("key file line: " + line);
            return 0;
        }
        StringBuilder text = new StringBuilder();
        if (Files.exists(file)) {
            String existing = Files.readString(file);
            // refuse a duplicate id now rather than have the API refuse the whole file
            ApiKeys current = existing.isBlank() ? null : ApiKeys.parse(existing, file.toString(), "");
            if (current != null && current.roles().containsKey(id)) {
                throw new IllegalArgumentException("expected a new key id, found " + id + " already in " + file
                        + " (remove its line to replace it)");
            }
            if (!existing.isEmpty() && !existing.endsWith("\n")) {
                text.append('\n');
            }
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        text.append(line).append('\n');
        Files.writeString(file, text, StandardOpenOption.APPEND);
        System.out.println(secret);
        System.err.println("facestream api-key: appended key " + id + " (" + r.label() + ") to " + file);
        return 0;
    }
}
