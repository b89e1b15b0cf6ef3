package dev.kiln.dockerfile.lint;

import java.util.Locale;
import java.util.Set;

/**
 * Whether an ARG or ENV name reads like it holds a secret: one of its {@code _}-separated words is
 * a secret word ({@code GITHUB_TOKEN}, {@code db_password}, {@code AUTH}) and none says the value
 * is harmless ({@code GPG_KEY_FILE}, {@code PUBLIC_KEY}, {@code TOKEN_VERSION}). The word lists are
 * BuildKit's, so kiln warns about the same names.
 */
final class SecretNames {
  private SecretNames() {}

  private static final Set<String> SECRET_WORDS =
      Set.of(
          "apikey",
          "auth",
          "credential",
          "credentials",
          "key",
          "password",
          "pword",
          "passwd",
          "secret",
          "token");

  private static final Set<String> HARMLESS_WORDS = Set.of("public", "file", "version");

  static boolean looksSecret(String name) {
    boolean secret = false;
    for (String word : name.toLowerCase(Locale.ROOT).split("_", -1)) {
      if (HARMLESS_WORDS.contains(word)) {
        return false;
      }
      secret |= SECRET_WORDS.contains(word);
    }
    return secret;
  }
}
