package dev.kiln.testdata.registry;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.stream.Collectors;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Writes htpasswd files with bcrypt entries, the only hash Docker's registry accepts, in Java so
 * that tests need no {@code apache2-utils}.
 */
final class Htpasswd {
  // The registry checks every request's password, so a low cost keeps tests quick; 4 is bcrypt's
  // minimum.
  private static final int COST = 4;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Htpasswd() {}

  static String entry(Credentials credentials) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    String hash = OpenBSDBCrypt.generate("2y", credentials.password().toCharArray(), salt, COST);
    return credentials.username() + ":" + hash;
  }

  static String file(Collection<Credentials> users) {
    return users.stream().map(Htpasswd::entry).collect(Collectors.joining("\n", "", "\n"));
  }
}
