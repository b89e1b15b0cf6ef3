package dev.kiln.core.sbom;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads one kind of package record: it says which files it wants by path alone (so the scan opens
 * nothing else), and turns each into packages.
 */
interface Cataloger {
  /** Whether the file at {@code path} (no leading slash) is a record this cataloger reads. */
  boolean wants(String path);

  /** The packages the record at {@code path} lists. */
  void read(String path, ImageFiles files, OsRelease os, Consumer<FoundPackage> found)
      throws IOException;
}
