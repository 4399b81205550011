package org.facestream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.facestream.kafka.BrokerSecurity;

/**
 * TLS material made at test time with the JDK's {@code keytool}, so no key is ever checked in: a PKCS12 key
 * store with a fresh EC key and a self-signed certificate for 127.0.0.1 (subject alternative name, so
 * clients verify the host as they do in production), and a trust store holding only that certificate.
 */
public final class TestTls {
    private TestTls() {}

    /** Generates the key store and trust store in {@code dir} under the name {@code name}. */
    public static BrokerSecurity.Tls generate(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String password = "pw-" + Long.toHexString(System.nanoTime());
        Path keyStore = dir.resolve(name + "-keystore.p12");
        Path cert = dir.resolve(name + ".pem");
        Path trustStore = dir.resolve(name + "-truststore.p12");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=IP:127.0.0.1",
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-keypass",
                password);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                name,
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                name,
                "-file",
                cert.toString(),
                "-keystore",
                trustStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password);
        return new BrokerSecurity.Tls(keyStore, trustStore, password);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + out);
        }
    }
}
