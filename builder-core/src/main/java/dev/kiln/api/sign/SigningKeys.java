package dev.kiln.api.sign;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.sign.KeyFormatException;
import dev.kiln.core.sign.KeyPem;
import dev.kiln.core.sign.PasswordEnvelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;

/**
 * Key files for signing, in cosign's format (see {@code dev.kiln.core.sign.KeyPem}): {@link
 * #generate} makes an ECDSA P-256 pair, {@link #signer} and {@link #verifier} read them.
 *
 * <p>Passwords come from environment variables, never from the command line (where {@code ps} and
 * shell histories would show them): the one a flag names, else {@code COSIGN_PASSWORD}, the one
 * cosign reads, so a CI job's secrets serve both tools.
 */
public final class SigningKeys {
  /** The variable cosign reads a key's password from; kiln's default too. */
  public static final String DEFAULT_PASSWORD_ENV = "COSIGN_PASSWORD";

  private SigningKeys() {}

  /** A key pair as PEM text. */
  public record KeyPairPem(String privateKey, String publicKey) {}

  /**
   * A fresh ECDSA P-256 key pair; the private key encrypted under {@code password} when one is
   * given (cosign's scrypt and secretbox; an empty password still encrypts, as cosign does), else
   * plain PKCS#8.
   */
  public static KeyPairPem generate(Optional<String> password) {
    SecureRandom random = new SecureRandom();
    KeyPair pair = KeyPem.generateP256(random);
    return new KeyPairPem(
        KeyPem.privatePem(pair.getPrivate(), password.map(PasswordEnvelope::passwordBytes), random),
        KeyPem.publicPem(pair.getPublic()));
  }

  /**
   * Writes {@code pair} to {@code privateKey} (mode 0600) and {@code publicKey}, each complete or
   * not at all; refuses to replace an existing file, as a lost private key cannot be recovered.
   */
  public static void write(KeyPairPem pair, Path privateKey, Path publicKey) throws IOException {
    for (Path p : new Path[] {privateKey, publicKey}) {
      if (Files.exists(p)) {
        throw new RequestException(
            p + " exists; kiln does not replace key files",
            "move it away, or pass another --output-key-prefix");
      }
    }
    writeNew(privateKey, pair.privateKey(), "rw-------");
    writeNew(publicKey, pair.publicKey(), "rw-r--r--");
  }

  private static void writeNew(Path target, String text, String mode) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp =
        Files.createTempFile(
            dir,
            "." + target.getFileName(),
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, text, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(mode));
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        throw new RequestException(target + " exists; kiln does not replace key files", null);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * A signer for the private key in {@code file}; an encrypted key's password is read from the
   * variable {@code passwordEnv} of {@code environment}, else from {@code COSIGN_PASSWORD}.
   *
   * @throws RequestException naming the file when it cannot be read or used
   */
  public static Signer signer(
      Path file, Optional<String> passwordEnv, Map<String, String> environment) throws IOException {
    String pem = read(file, "private");
    try {
      Optional<byte[]> password = Optional.empty();
      if (KeyPem.isEncrypted(pem)) {
        String variable = passwordEnv.orElse(DEFAULT_PASSWORD_ENV);
        String value = environment.get(variable);
        if (value == null) {
          throw new RequestException(
              "the signing key " + file + " is encrypted, and $" + variable + " is not set",
              passwordEnv.isPresent()
                  ? "export " + variable + " with the key's password"
                  : "export COSIGN_PASSWORD, or name the variable with password-env=VAR");
        }
        password = Optional.of(PasswordEnvelope.passwordBytes(value));
      }
      return new KeyPairSigner(KeyPem.readPrivate(pem, password), file.toString());
    } catch (KeyFormatException e) {
      throw new RequestException(
          "cannot use the signing key " + file + ": " + e.getMessage(),
          "make a key pair with kiln key generate (or cosign generate-key-pair)");
    }
  }

  /** A verifier for the public key in {@code file} ({@code PUBLIC KEY} PEM). */
  public static Verifier verifier(Path file) throws IOException {
    String pem = read(file, "public");
    try {
      return new PublicKeyVerifier(KeyPem.readPublic(pem), file.toString());
    } catch (KeyFormatException e) {
      throw new RequestException(
          "cannot use the public key " + file + ": " + e.getMessage(),
          "give the .pub file kiln key generate (or cosign generate-key-pair) wrote");
    }
  }

  private static String read(Path file, String which) throws IOException {
    try {
      if (Files.size(file) > 64 * 1024) {
        throw new RequestException(
            file + " is larger than any " + which + " key file", "check the path");
      }
      return KeyPem.text(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new RequestException(
          "no " + which + " key file " + file,
          "check the path, or make one with kiln key generate");
    }
  }
}
