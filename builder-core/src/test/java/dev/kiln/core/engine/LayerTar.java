package dev.kiln.core.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * One layer blob as commons-compress reads it (not kiln's own reader): its entries with their
 * headers, and its bytes both as stored and uncompressed, for tests that search a layer for a value
 * that must not be there. Test layers are small, so the bytes are held in memory.
 */
record LayerTar(List<Entry> entries, byte[] stored, byte[] uncompressed) {

  /** One tar entry: name without a leading {@code ./}, type letter, headers and PAX records. */
  record Entry(
      String name,
      char type,
      int mode,
      long uid,
      long gid,
      long size,
      String linkName,
      int devMajor,
      int devMinor,
      Map<String, String> pax) {
    @Override
    public String toString() {
      return type
          + " "
          + name
          + String.format(" %04o %d:%d", mode, uid, gid)
          + (linkName.isEmpty() ? "" : " -> " + linkName)
          + (pax.isEmpty() ? "" : " " + pax.keySet());
    }
  }

  static LayerTar read(Path blob) {
    try {
      byte[] stored = Files.readAllBytes(blob);
      byte[] plain;
      try (InputStream in = decompressed(new BufferedInputStream(Files.newInputStream(blob)))) {
        plain = in.readAllBytes();
      }
      List<Entry> entries = new ArrayList<>();
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new java.io.ByteArrayInputStream(plain))) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          String name = e.getName();
          if (name.startsWith("./")) {
            name = name.substring(2);
          }
          if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
          }
          entries.add(
              new Entry(
                  name,
                  typeOf(e),
                  e.getMode() & 07777,
                  e.getLongUserId(),
                  e.getLongGroupId(),
                  e.getSize(),
                  e.getLinkName() == null ? "" : e.getLinkName(),
                  e.getDevMajor(),
                  e.getDevMinor(),
                  new TreeMap<>(e.getExtraPaxHeaders())));
        }
      }
      return new LayerTar(List.copyOf(entries), stored, plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static char typeOf(TarArchiveEntry e) {
    if (e.isSymbolicLink()) {
      return 'l';
    }
    if (e.isLink()) {
      return 'h';
    }
    if (e.isDirectory()) {
      return 'd';
    }
    if (e.isCharacterDevice()) {
      return 'c';
    }
    if (e.isBlockDevice()) {
      return 'b';
    }
    if (e.isFIFO()) {
      return 'p';
    }
    return 'f';
  }

  private static InputStream decompressed(InputStream raw) throws IOException {
    try {
      return new CompressorStreamFactory().createCompressorInputStream(raw);
    } catch (CompressorException e) {
      return raw; // an uncompressed layer
    }
  }

  List<String> names() {
    return entries.stream().map(Entry::name).toList();
  }

  Optional<Entry> entry(String name) {
    return entries.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Whether {@code needle} occurs in the stored or the uncompressed bytes. */
  boolean contains(byte[] needle) {
    return indexOf(stored, needle) >= 0 || indexOf(uncompressed, needle) >= 0;
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A listing for assertion messages, one entry a line. */
  String listing() {
    StringBuilder b = new StringBuilder();
    for (Entry e : entries) {
      b.append(e).append('\n');
    }
    return b.toString();
  }
}
