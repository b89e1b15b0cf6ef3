package dev.kiln.core.sbom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Alpine packages: apk's database {@code lib/apk/db/installed}, one record per package, one field
 * per line ({@code P:} name, {@code V:} version, {@code A:} architecture, {@code L:} license).
 */
final class ApkInstalled implements Cataloger {
  @Override
  public boolean wants(String path) {
    return path.equals("lib/apk/db/installed");
  }

  @Override
  public void read(String path, ImageFiles files, OsRelease os, Consumer<FoundPackage> found)
      throws IOException {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(files.open(path), StandardCharsets.UTF_8))) {
      Map<Character, String> record = new HashMap<>();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          emit(record, path, os, found);
          record.clear();
        } else if (line.length() >= 2 && line.charAt(1) == ':') {
          record.putIfAbsent(line.charAt(0), line.substring(2));
        }
      }
      emit(record, path, os, found);
    }
  }

  private static void emit(
      Map<Character, String> record, String path, OsRelease os, Consumer<FoundPackage> found) {
    String name = record.get('P');
    String version = record.get('V');
    if (name == null || version == null) {
      return;
    }
    String purl =
        "pkg:apk/"
            + Purls.encode(os.namespaceOr("alpine"))
            + "/"
            + Purls.encode(name)
            + "@"
            + Purls.encode(version)
            + (record.containsKey('A') ? "?arch=" + Purls.encode(record.get('A')) : "");
    found.accept(
        new FoundPackage(
            "apk",
            name,
            version,
            Optional.of(purl),
            Optional.ofNullable(record.get('L')),
            "/" + path));
  }
}
