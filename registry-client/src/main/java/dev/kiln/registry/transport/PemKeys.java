package dev.kiln.registry.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the private key of a client certificate from a PEM file, in the three forms {@code openssl}
 * and Docker's documentation produce: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN
 * RSA PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}).
 *
 * <p>Written here rather than taken from BouncyCastle: the JDK reads PKCS#8 itself, and the two
 * older forms only need wrapping in a PKCS#8 envelope (a few DER bytes), while BouncyCastle would
 * add megabytes to kiln's runtime for this one file. Encrypted keys are refused with a message:
 * Docker and podman do not read them either.
 */
final class PemKeys {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)\\s*-----END \\1-----", Pattern.DOTALL);

  /** rsaEncryption, with NULL parameters. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** id-ecPublicKey, 1.2.840.10045.2.1. */
  private static final byte[] EC_PUBLIC_KEY_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private PemKeys() {}

  static PrivateKey read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      if (m.group(2).contains("Proc-Type:") || type.equals("ENCRYPTED PRIVATE KEY")) {
        throw new IOException(
            "the private key in " + file + " is encrypted; give kiln an unencrypted key");
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IOException("the private key in " + file + " is not valid base64", e);
      }
      try {
        return switch (type) {
          case "PRIVATE KEY" -> pkcs8(der);
          case "RSA PRIVATE KEY" ->
              KeyFactory.getInstance("RSA")
                  .generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_ALGORITHM, der)));
          case "EC PRIVATE KEY" -> ec(der);
          default -> throw new IOException(file + " holds a " + type + ", which kiln cannot read");
        };
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IOException("cannot read the private key in " + file + ": " + e.getMessage(), e);
      }
    }
    throw new IOException(file + " holds no PEM private key");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * SEC1's {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters (the
   * curve's OID), [1] publicKey }}: the curve moves into the PKCS#8 algorithm identifier.
   */
  private static PrivateKey ec(byte[] sec1) throws GeneralSecurityException {
    Der outer = new Der(sec1, 0);
    if (outer.tag != 0x30) {
      throw new GeneralSecurityException("not a DER sequence");
    }
    int pos = outer.contentStart;
    byte[] curve = null;
    while (pos < outer.end) {
      Der element = new Der(sec1, pos);
      if (element.tag == (0xa0 & 0xff)) {
        Der oid = new Der(sec1, element.contentStart);
        curve = Arrays.copyOfRange(sec1, element.contentStart, oid.end);
      }
      pos = element.end;
    }
    if (curve == null) {
      throw new GeneralSecurityException("the EC key does not name its curve");
    }
    byte[] algorithm = sequence(concat(EC_PUBLIC_KEY_OID, curve));
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(wrap(algorithm, sec1)));
  }

  /** {@code PrivateKeyInfo ::= SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }}. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return sequence(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, element(0x04, key)));
  }

  private static byte[] sequence(byte[] content) {
    return element(0x30, content);
  }

  private static byte[] element(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** One DER element's tag and bounds. */
  private static final class Der {
    final int tag;
    final int contentStart;
    final int end;

    Der(byte[] b, int at) throws GeneralSecurityException {
      if (at + 2 > b.length) {
        throw new GeneralSecurityException("truncated DER");
      }
      tag = b[at] & 0xff;
      int length = b[at + 1] & 0xff;
      int start = at + 2;
      if (length >= 0x80) {
        int bytes = length & 0x7f;
        if (bytes == 0 || bytes > 3 || start + bytes > b.length) {
          throw new GeneralSecurityException("unsupported DER length");
        }
        length = 0;
        for (int i = 0; i < bytes; i++) {
          length = (length << 8) | (b[start + i] & 0xff);
        }
        start += bytes;
      }
      if (start + length > b.length) {
        throw new GeneralSecurityException("truncated DER");
      }
      contentStart = start;
      end = start + length;
    }
  }
}
