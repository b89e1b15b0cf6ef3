package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Docker's {@code certs.d} layout (CAs, client certificate and key pairs) and the keys {@code
 * openssl} writes (the fixtures under {@code pem-keys/} were made with {@code openssl genrsa
 * -traditional}, {@code ecparam -genkey}, {@code pkcs8 -topk8}).
 */
class HostCertificatesTest {
  @TempDir Path dir;

  private static Path fixture(String name) throws IOException {
    Path out = Files.createTempFile("pem-", "-" + name);
    try (InputStream in = HostCertificatesTest.class.getResourceAsStream("/pem-keys/" + name)) {
      Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    out.toFile().deleteOnExit();
    return out;
  }

  private static boolean matches(PrivateKey key, PublicKey publicKey) throws Exception {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] data = "kiln".getBytes(StandardCharsets.UTF_8);
    Signature sign = Signature.getInstance(algorithm);
    sign.initSign(key);
    sign.update(data);
    byte[] signature = sign.sign();
    Signature verify = Signature.getInstance(algorithm);
    verify.initVerify(publicKey);
    verify.update(data);
    return verify.verify(signature);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "rsa-pkcs1.key, rsa.cert",
    "rsa-pkcs8.key, rsa.cert",
    "ec-sec1.key, ec.cert",
    "ec-pkcs8.key, ec.cert",
    "ec384-sec1.key, ec384.cert"
  })
  void readsTheKeyFormsOpensslWrites(String key, String cert) throws Exception {
    PrivateKey read = PemKeys.read(fixture(key));
    X509Certificate certificate = RegistrySecurity.readPem(fixture(cert)).get(0);
    assertTrue(matches(read, certificate.getPublicKey()), key + " does not match " + cert);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"rsa-encrypted.key", "rsa-pkcs1-encrypted.key"})
  void encryptedKeysAreRefusedByName(String key) throws IOException {
    Path file = fixture(key);
    IOException e = assertThrows(IOException.class, () -> PemKeys.read(file));
    assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aFileWithoutAKeyIsRefused() throws IOException {
    Path file = fixture("rsa.cert");
    IOException e = assertThrows(IOException.class, () -> PemKeys.read(file));
    assertTrue(e.getMessage().contains("no PEM private key"), e.getMessage());
  }

  @Test
  void aDirectoryHoldsCasAndClientPairs() throws IOException {
    Files.copy(fixture("ec.cert"), dir.resolve("ca.crt"));
    Files.copy(fixture("rsa.cert"), dir.resolve("client.cert"));
    Files.copy(fixture("rsa-pkcs1.key"), dir.resolve("client.key"));
    Files.copy(fixture("ec384.cert"), dir.resolve("other.cert"));
    Files.copy(fixture("ec384-sec1.key"), dir.resolve("other.key"));
    Files.writeString(dir.resolve("README"), "ignored");
    HostCertificates read = HostCertificates.read(dir);
    assertEquals(1, read.authorities().size());
    assertEquals(
        List.of("client.cert", "other.cert"),
        read.clients().stream().map(c -> c.certificate().getFileName().toString()).toList());
    assertEquals(Optional.of(dir), read.directory());
  }

  @Test
  void aCertificateWithoutItsKeyAndAKeyWithoutItsCertificateAreErrors() throws IOException {
    Files.copy(fixture("rsa.cert"), dir.resolve("client.cert"));
    IOException noKey = assertThrows(IOException.class, () -> HostCertificates.read(dir));
    assertTrue(
        noKey.getMessage().contains(dir.resolve("client.key").toString()), noKey.getMessage());
    Files.delete(dir.resolve("client.cert"));
    Files.copy(fixture("rsa-pkcs1.key"), dir.resolve("client.key"));
    IOException noCert = assertThrows(IOException.class, () -> HostCertificates.read(dir));
    assertTrue(
        noCert.getMessage().contains(dir.resolve("client.cert").toString()), noCert.getMessage());
  }

  @Test
  void theFirstDirectoryFoundIsTheOnlyOneReadAndHostPortComesBeforeHost() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");
    Files.createDirectories(first.resolve("registry.example:5000"));
    Files.createDirectories(second.resolve("registry.example:5000"));
    Files.createDirectories(second.resolve("other.example"));
    Files.copy(fixture("rsa.cert"), first.resolve("registry.example:5000").resolve("ca.crt"));
    Files.copy(fixture("ec.cert"), second.resolve("registry.example:5000").resolve("ca.crt"));
    Files.copy(fixture("ec384.cert"), second.resolve("other.example").resolve("ca.crt"));
    RegistrySecurity security =
        new RegistrySecurity(Set.of(), Set.of(), false, Set.of(), List.of(first, second), Map.of());

    HostCertificates found = security.certificatesFor("registry.example:5000");
    assertEquals(Optional.of(first.resolve("registry.example:5000")), found.directory());
    assertEquals("CN=rsa", found.authorities().get(0).getSubjectX500Principal().getName());
    // Without a host:port directory anywhere, a host directory serves every port.
    assertEquals(
        Optional.of(second.resolve("other.example")),
        security.certificatesFor("other.example:443").directory());
    assertEquals(Optional.empty(), security.certificatesFor("none.example").directory());
    assertTrue(
        security
            .certificateLocations("none.example", "ca.crt")
            .equals(
                first.resolve("none.example/ca.crt")
                    + " or "
                    + second.resolve("none.example/ca.crt")));
  }
}
