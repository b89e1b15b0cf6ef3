package dev.kiln.core.checksum;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Opens a regular file's bytes for hashing. Injectable so that tests can count reads (a memo hit
 * must not read at all).
 */
@FunctionalInterface
public interface ContentReader {
  /** Reads files directly, never following a symlink at the final name. */
  ContentReader FILES = file -> Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);

  InputStream open(Path file) throws IOException;
}
