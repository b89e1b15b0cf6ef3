package dev.kiln.registry.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:2c26b4…}: an algorithm and its lowercase hex encoding.
 *
 * <p>Only the algorithms registered by the OCI image spec are accepted ({@code sha256}, {@code
 * sha512}), each with its exact hex length, so a malformed digest fails where it is parsed rather
 * than as a confusing 404 later. Parsing errors are unchecked: a bad digest string is almost always
 * bad input or a programming error, not something a caller recovers from locally.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  public Digest {
    int expected =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new IllegalArgumentException(
                  "unsupported digest algorithm '"
                      + MalformedDocumentException.excerpt(algorithm)
                      + "' (expected sha256 or sha512)");
        };
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "invalid "
              + algorithm
              + " digest '"
              + MalformedDocumentException.excerpt(hex)
              + "': expected "
              + expected
              + " lowercase hex characters");
    }
  }

  /** Parses {@code algorithm:hex}. */
  @JsonCreator
  public static Digest parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("digest is missing");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "invalid digest '"
              + MalformedDocumentException.excerpt(text)
              + "': expected algorithm:hex, e.g. sha256:<64 hex characters>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return ofSha256(newSha256().digest(bytes));
  }

  /** Wraps a raw 32-byte sha256 hash. */
  public static Digest ofSha256(byte[] hash) {
    if (hash.length != 32) {
      throw new IllegalArgumentException("a sha256 hash has 32 bytes, not " + hash.length);
    }
    return new Digest("sha256", HexFormat.of().formatHex(hash));
  }

  /** A fresh SHA-256 {@link MessageDigest}; every JDK has one. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A fresh {@link MessageDigest} for this digest's algorithm, to verify content against it. */
  public MessageDigest newMessageDigest() {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }

  /** Whether {@code hash} (raw bytes from {@link #newMessageDigest()}) is this digest. */
  public boolean matches(byte[] hash) {
    return HexFormat.of().formatHex(hash).equals(hex);
  }

  /** The first 12 hex characters, as Docker shows image IDs. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @JsonValue
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public int compareTo(Digest other) {
    return toString().compareTo(other.toString());
  }
}
