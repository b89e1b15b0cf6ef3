package dev.kiln.registry.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.nio.charset.StandardCharsets;

/**
 * Any text as an image reference ({@link ImageReference#parse}), a digest ({@link Digest#parse})
 * and a platform ({@link Platform#parse}). The only failures allowed are the documented {@link
 * InvalidReferenceException} and {@link IllegalArgumentException}; what parses prints to text that
 * parses back to an equal value (a reference from its full form, and from its familiar form unless
 * that starts like a registry host, a platform from its normalised form), and a platform matches
 * itself.
 */
class NameFuzzTest {
  @FuzzTest(maxDuration = "20s", maxExecutions = 20_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are.
  @DictionaryEntries({
    "docker.io/",
    "index.docker.io/",
    "library/",
    "localhost:5000/",
    "[::1]:5000/"
  })
  @DictionaryEntries({":latest", "@sha256:", "sha512:", "linux/", "arm64/v8", "armhf", "x86_64"})
  @DictionaryEntries({
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "__",
    "-"
  })
  void parseNames(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    try {
      ImageReference r = ImageReference.parse(text);
      assertEquals(r, ImageReference.parse(r.toString()), "parsed from " + r);
      if (!looksLikeARegistry(r.familiar())) {
        assertEquals(r, ImageReference.parse(r.familiar()), "parsed from " + r.familiar());
      }
      assertEquals(r.repositoryOnly(), ImageReference.parse(r.repositoryOnly().toString()));
    } catch (InvalidReferenceException e) {
      assertHasMessage(e);
    }
    try {
      Digest d = Digest.parse(text);
      assertEquals(d, Digest.parse(d.toString()));
    } catch (IllegalArgumentException e) {
      assertHasMessage(e);
    }
    try {
      Platform p = Platform.parse(text);
      assertEquals(p, Platform.parse(p.toString()), "parsed from " + p);
      assertEquals(p, p.normalize());
      assertTrue(p.matches(p), p + " matches itself");
    } catch (IllegalArgumentException e) {
      assertHasMessage(e);
    }
  }

  /**
   * Whether the first component of a familiar name would be read as a registry. Docker's familiar
   * form, which kiln prints too, drops {@code docker.io/} even then, so {@code docker.io/a.b/c}
   * prints as {@code a.b/c}, a repository on registry {@code a.b} (Docker Hub has no such
   * namespace; found by this test).
   */
  private static boolean looksLikeARegistry(String familiar) {
    int slash = familiar.indexOf('/');
    String first = slash < 0 ? "" : familiar.substring(0, slash);
    return first.contains(".")
        || first.contains(":")
        || first.equals("localhost")
        || !first.toLowerCase(java.util.Locale.ROOT).equals(first);
  }

  /** A message for a person (it quotes the input, which the user typed). */
  private static void assertHasMessage(IllegalArgumentException e) {
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "no message");
  }
}
