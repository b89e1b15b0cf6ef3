package dev.kiln.core.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * A tar written header by header, so that a test can put in it what no tar writer would: claims of
 * gigabytes, chains of extended headers, hostile names. Headers are USTAR with a correct checksum;
 * the caller adds data, padding included, where it wants it.
 */
final class RawTar {
  private static final int BLOCK = 512;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A header of {@code type} whose size field says {@code size} (in octal, 11 digits at most). */
  RawTar header(String name, char type, long size, String link) {
    byte[] h = headerBytes(name, type);
    put(h, 124, 12, octal(size, 11));
    put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
    return block(h);
  }

  /** A header whose 12-byte size field holds {@code field} as it is (e.g. a base-256 number). */
  RawTar headerWithSizeField(String name, char type, byte[] field) {
    byte[] h = headerBytes(name, type);
    put(h, 124, 12, field);
    return block(h);
  }

  /** A regular file with its content. */
  RawTar file(String name, byte[] content) {
    return header(name, '0', content.length, "").data(content);
  }

  /** Data, padded to whole blocks. */
  RawTar data(byte[] bytes) {
    out.writeBytes(bytes);
    out.writeBytes(new byte[(BLOCK - bytes.length % BLOCK) % BLOCK]);
    return this;
  }

  /** A PAX extended header ({@code x}) or global header ({@code g}) with these records. */
  RawTar pax(char type, String... keysAndValues) {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      records.writeBytes(record(keysAndValues[i], keysAndValues[i + 1]));
    }
    byte[] data = records.toByteArray();
    return header("PaxHeaders/x", type, data.length, "").data(data);
  }

  /** A GNU long name ({@code L}) or long link name ({@code K}) header and its data. */
  RawTar gnuLong(char type, String name) {
    byte[] data = (name + "\0").getBytes(StandardCharsets.UTF_8);
    return header("././@LongLink", type, data.length, "").data(data);
  }

  /** The archive so far, with its end marker. */
  byte[] end() {
    out.writeBytes(new byte[2 * BLOCK]);
    return out.toByteArray();
  }

  /** The archive so far, without an end marker (for truncated archives). */
  byte[] unterminated() {
    return out.toByteArray();
  }

  static byte[] gzip(byte[] tar) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(gz)) {
      z.write(tar);
    }
    return gz.toByteArray();
  }

  /** One PAX record: its length counts its own digits. */
  static byte[] record(String key, String value) {
    byte[] body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    int length = body.length + 1;
    while (String.valueOf(length).length() + body.length != length) {
      length = String.valueOf(length).length() + body.length;
    }
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(String.valueOf(length).getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(body);
    return r.toByteArray();
  }

  private RawTar block(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(h);
    return this;
  }

  private byte[] headerBytes(String name, char type) {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    put(h, 100, 8, octal(0644, 7));
    put(h, 108, 8, octal(0, 7));
    put(h, 116, 8, octal(0, 7));
    put(h, 136, 12, octal(1_700_000_000L, 11));
    h[156] = (byte) type;
    put(h, 257, 8, "ustar\0000".getBytes(StandardCharsets.US_ASCII));
    return h;
  }

  private static byte[] octal(long value, int digits) {
    return (String.format("%0" + digits + "o", value) + "\0").getBytes(StandardCharsets.US_ASCII);
  }

  private static void put(byte[] h, int offset, int length, byte[] value) {
    System.arraycopy(value, 0, h, offset, Math.min(length, value.length));
  }
}
