package dev.kiln.core.checksum;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a file's {@code security.capability} extended attribute. The JDK cannot: its {@code
 * UserDefinedFileAttributeView} reaches only the {@code user.} namespace.
 */
@FunctionalInterface
public interface CapabilityReader {
  /** For trees known to carry no capabilities (and tests). */
  CapabilityReader NONE = file -> Optional.empty();

  /** The raw attribute of {@code file} itself (not a symlink's target), if it has one. */
  Optional<byte[]> capability(Path file) throws IOException;
}
