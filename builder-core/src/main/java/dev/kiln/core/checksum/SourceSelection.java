package dev.kiln.core.checksum;

import dev.kiln.registry.model.Digest;
import java.util.List;

/**
 * What the sources of one COPY or ADD select, and one checksum over all of it to put in the step's
 * cache key: it changes exactly when the selected paths, their names or anything a copy takes from
 * them changes.
 *
 * @param digest the checksum of the whole selection
 * @param paths every selected path, source by source in the order given, byte-sorted within a
 *     wildcard source
 */
public record SourceSelection(Digest digest, List<SelectedPath> paths) {
  public SourceSelection {
    paths = List.copyOf(paths);
  }
}
