package dev.kiln.core.step;

import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * ADD's automatic unpacking of local tar archives: plain, gzip, bzip2, xz or zstd, recognised by
 * their content (not their name), as Docker does. Members are read with commons-compress (user
 * archives may use GNU extensions a layer never has) and their contents spooled to temp files so
 * the layer writer can read them twice. Member names are made relative and cannot climb out of the
 * destination ({@code ../x} lands at {@code x}).
 */
public final class ArchiveUnpacker {
  private final Path spool;
  private int counter;

  public ArchiveUnpacker(Path spool) {
    this.spool = spool;
  }

  /** Whether the file starts like a (possibly compressed) tar archive. */
  boolean isArchive(SourceFile file) throws IOException {
    try (InputStream raw = new BufferedInputStream(file.content().open())) {
      InputStream in = decompress(raw);
      if (in == null) {
        return false;
      }
      byte[] header = in.readNBytes(512);
      return header.length == 512 && TarArchiveInputStream.matches(header, header.length);
    } catch (IOException e) {
      return false;
    }
  }

  /** The archive's members, with paths relative to the destination. */
  List<SourceFile> unpack(SourceFile archive) throws IOException {
    Files.createDirectories(spool);
    List<SourceFile> out = new ArrayList<>();
    Map<String, SourceFile> byName = new HashMap<>();
    Map<String, Integer> position = new HashMap<>();
    try (InputStream raw = new BufferedInputStream(archive.content().open());
        TarArchiveInputStream tar = new TarArchiveInputStream(decompress(raw))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String path = LayerPath.normalize(e.getName());
        if (path.isEmpty()) {
          continue;
        }
        EntryType type;
        String link = "";
        var content = ContentSource.EMPTY;
        long size = 0;
        String linkGroup = null;
        if (e.isDirectory()) {
          type = EntryType.DIRECTORY;
        } else if (e.isSymbolicLink()) {
          type = EntryType.SYMLINK;
          link = e.getLinkName();
        } else if (e.isLink()) {
          SourceFile target = byName.get(LayerPath.normalize(e.getLinkName()));
          if (target == null) {
            throw new IOException(
                "archive "
                    + archive.path()
                    + ": hard link "
                    + e.getName()
                    + " points to "
                    + e.getLinkName()
                    + ", which is not earlier in the archive");
          }
          type = target.type();
          size = target.entry().size();
          content = target.content();
          // Moby's Untar recreates the hard link, so the copy keeps the names one file.
          linkGroup = target.linkGroup() != null ? target.linkGroup() : "archive:" + target.path();
          if (target.linkGroup() == null) {
            SourceFile grouped = target.withLinkGroup(linkGroup);
            byName.put(target.path(), grouped);
            out.set(position.get(target.path()), grouped);
          }
        } else if (e.isCharacterDevice()) {
          type = EntryType.CHAR_DEVICE;
        } else if (e.isBlockDevice()) {
          type = EntryType.BLOCK_DEVICE;
        } else if (e.isFIFO()) {
          type = EntryType.FIFO;
        } else if (e.isFile()) {
          type = EntryType.REGULAR;
          size = e.getSize();
          Path file = spool.resolve("archive-" + counter++);
          Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
          content = ContentSource.ofFile(file);
        } else {
          continue; // GNU sparse/volume headers and other oddities
        }
        boolean device = type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE;
        SourceFile f =
            new SourceFile(
                new LayerEntry(
                    path,
                    type,
                    e.getMode() & 07777,
                    e.getLongUserId(),
                    e.getLongGroupId(),
                    size,
                    Math.max(0, e.getLastModifiedDate().getTime() / 1000),
                    link,
                    device ? e.getDevMajor() : 0,
                    device ? e.getDevMinor() : 0,
                    Map.of(),
                    content),
                linkGroup);
        byName.put(path, f);
        position.put(path, out.size());
        out.add(f);
      }
    }
    return out;
  }

  /** The decompressed stream, or null if the compression is not one ADD unpacks. */
  private static InputStream decompress(InputStream in) throws IOException {
    in.mark(16);
    String kind;
    try {
      kind = CompressorStreamFactory.detect(in);
    } catch (CompressorException e) {
      return in; // not compressed: maybe a plain tar
    }
    try {
      return switch (kind) {
        case CompressorStreamFactory.GZIP,
                CompressorStreamFactory.BZIP2,
                CompressorStreamFactory.XZ,
                CompressorStreamFactory.ZSTANDARD ->
            new BufferedInputStream(
                new CompressorStreamFactory().createCompressorInputStream(kind, in));
        default -> null;
      };
    } catch (CompressorException e) {
      throw new IOException("cannot decompress " + kind + " archive: " + e.getMessage(), e);
    }
  }
}
