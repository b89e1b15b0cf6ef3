package dev.kiln.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.ResourceBound;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * Any bytes as a layer blob through {@link LayerReader}. The only failure allowed is a {@link
 * LayerFormatException} (an {@code UnsafeLayerEntryException} included) with a message of a few
 * lines; every entry has a canonical path (relative, no {@code ..}, so it cannot leave the root), a
 * hard link's target too; the reader allocates in proportion to the tar it reads, never to what a
 * header claims. A plain tar gives exactly the same entries, contents and failure when gzip or zstd
 * compresses it; a blob that starts as a gzip or zstd stream is read as given, so damaged streams
 * are covered too.
 */
class LayerReaderFuzzTest {
  /** Allocation allowed whatever the input: stream buffers, codecs, Jazzer's own hooks. */
  static final long FIXED_ALLOCATION = 32L << 20;

  /** Allocation allowed per byte of uncompressed tar. */
  static final long ALLOCATION_PER_BYTE = 64;

  static final int MAX_MESSAGE = 2048;

  @FuzzTest(maxDuration = "20s", maxExecutions = 3_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are: \x0a is a newline.
  @DictionaryEntries({"ustar\\x00", "00", "ustar  \\x00", " path=", " linkpath=", " size="})
  @DictionaryEntries({" mtime=", " uid=", " gid=", " SCHILY.xattr.", " SCHILY.devmajor="})
  @DictionaryEntries({" GNU.sparse.", "././@LongLink", ".wh.", ".wh..wh..opq", "../", "/"})
  @DictionaryEntries({"\\x0a", "0000644\\x00", "0000000\\x00", "\\x80\\x00\\x00\\x00"})
  void readLayer(byte[] blob) throws Exception {
    Outcome given = read(blob);
    if (Compression.detect(blob, blob.length) == Compression.NONE) {
      assertEquals(given, read(gzip(blob)), "the same tar, gzip-compressed");
      assertEquals(given, read(zstd(blob)), "the same tar, zstd-compressed");
    }
  }

  /** What reading a blob gave: each entry with its content's digest, then the failure if any. */
  record Outcome(List<String> entries, String failure) {}

  static Outcome read(byte[] blob) throws Exception {
    long tarBytes = uncompressedLength(blob);
    return ResourceBound.allocatingAtMost(
        FIXED_ALLOCATION + ALLOCATION_PER_BYTE * Math.max(blob.length, tarBytes),
        () -> readEntries(blob, tarBytes));
  }

  private static Outcome readEntries(byte[] blob, long tarBytes) throws IOException {
    List<String> entries = new ArrayList<>();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
      int n = 0;
      for (Optional<LayerEntry> next = reader.next(); next.isPresent(); next = reader.next()) {
        LayerEntry e = next.get();
        assertCanonical(e.path());
        if (e.type() == EntryType.HARDLINK) {
          assertCanonical(e.linkTarget());
        }
        assertTrue(reader.dataOffset() <= tarBytes + 512, "data offset past the end of the tar");
        // Read every other file's content; the others are skipped by the next call to next().
        String content = "";
        if (e.type() == EntryType.REGULAR && n++ % 2 == 0) {
          content = " content=" + digest(e.content().open(), e.size());
        }
        entries.add(e + " @" + reader.dataOffset() + content);
      }
    } catch (LayerFormatException e) {
      assertTrue(e.getMessage().length() <= MAX_MESSAGE, e.getMessage().length() + " characters");
      return new Outcome(entries, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return new Outcome(entries, null);
  }

  static void assertCanonical(String path) {
    assertNull(canonicalProblem(path), () -> "'" + path + "' is not a canonical layer path");
  }

  /** Why {@code path} could leave the root or name it twice, or null. */
  static String canonicalProblem(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      return "empty, absolute or ends with /";
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
        return "has component '" + part + "'";
      }
    }
    return LayerPath.normalize(path).equals(path) ? null : "not normal";
  }

  /** The digest of a file's content; it must be exactly {@code size} bytes. */
  private static String digest(InputStream in, long size) throws IOException {
    MessageDigest sha = Digest.newSha256();
    long n;
    try (in;
        OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      n = in.transferTo(out);
    }
    assertEquals(size, n, "content length");
    return Digest.ofSha256(sha.digest()).shortHex();
  }

  /**
   * About how many bytes of tar the blob holds before it ends or fails: read in blocks, as the
   * reader reads it (a damaged stream fails a whole read, so bigger reads would see less).
   */
  private static long uncompressedLength(byte[] blob) {
    long n = 0;
    byte[] block = new byte[512];
    try (InputStream in = LayerReader.uncompressed(new ByteArrayInputStream(blob))) {
      for (int r = in.readNBytes(block, 0, 512); r > 0; r = in.readNBytes(block, 0, 512)) {
        n += r;
      }
    } catch (IOException e) {
      // A damaged stream: what came before the damage is what the reader can have seen.
    }
    return n;
  }

  static byte[] gzip(byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(tar);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
      z.write(tar);
    }
    return out.toByteArray();
  }
}
