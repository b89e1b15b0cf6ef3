package dev.kiln.core.sbom;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Java archives ({@code .jar}, {@code .war}, {@code .ear}): each {@code
 * META-INF/maven/GROUP/ARTIFACT/pom.properties} Maven put in it is one package; an archive without
 * one is named by its manifest ({@code Implementation-Title}/{@code -Version}, else the OSGi {@code
 * Bundle-SymbolicName}/{@code -Version}), without a package URL since the group is unknown.
 * Archives inside archives (a Spring Boot {@code BOOT-INF/lib/}, a war's {@code WEB-INF/lib/}) are
 * read the same way, one level deep. Archives are never held in memory: an outer one is spooled to
 * a temporary file and read by its central directory, an inner one streamed.
 */
final class JavaArchives implements Cataloger {
  private static final int MAX_NESTING = 1;
  private static final int MAX_SMALL_FILE = 64 * 1024;

  @Override
  public boolean wants(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    return lower.endsWith(".jar") || lower.endsWith(".war") || lower.endsWith(".ear");
  }

  @Override
  public void read(String path, ImageFiles files, OsRelease os, Consumer<FoundPackage> found)
      throws IOException {
    // A file on disk (an unpacked layer's) is read in place; else spooled to a file and read by its
    // central directory: only the few wanted entries are
    // inflated. Streaming would inflate every entry to skip it, seconds of CPU for an image's
    // worth of jars; writing a jar to a temporary file costs far less.
    Optional<Path> onDisk = files.file(path);
    if (onDisk.isPresent()) {
      try (ZipFile zip = new ZipFile(onDisk.get().toFile())) {
        archive(zip, "/" + path, found);
      } catch (ZipException e) {
        // Not a zip after all (or a damaged one): it lists no package.
      }
      return;
    }
    Path spool = Files.createTempFile("kiln-sbom-", ".jar");
    try {
      try (InputStream in = files.open(path)) {
        Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
      }
      try (ZipFile zip = new ZipFile(spool.toFile())) {
        archive(zip, "/" + path, found);
      } catch (ZipException e) {
        // Not a zip after all (or a damaged one): it lists no package.
      }
    } finally {
      Files.deleteIfExists(spool);
    }
  }

  /** An outer archive, by its central directory; archives inside it are streamed. */
  private static void archive(ZipFile zip, String where, Consumer<FoundPackage> found)
      throws IOException {
    List<FoundPackage> fromPoms = new ArrayList<>();
    Manifest manifest = null;
    for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements(); ) {
      ZipEntry e = all.nextElement();
      String name = e.getName();
      if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
        try (InputStream in = zip.getInputStream(e)) {
          pom(small(in), where).ifPresent(fromPoms::add);
        }
      } else if (name.equals("META-INF/MANIFEST.MF")) {
        try (InputStream in = zip.getInputStream(e)) {
          manifest = new Manifest(new ByteArrayInputStream(small(in)));
        }
      } else if (isArchive(name) && !e.isDirectory()) {
        try (InputStream in = zip.getInputStream(e)) {
          archive(in, where + "!/" + name, 1, found);
        } catch (ZipException nested) {
          // a damaged inner archive lists nothing; the outer one goes on
        }
      }
    }
    if (!fromPoms.isEmpty()) {
      fromPoms.forEach(found);
    } else if (manifest != null) {
      fromManifest(manifest.getMainAttributes(), where).ifPresent(found);
    }
  }

  private static void archive(
      InputStream raw, String where, int depth, Consumer<FoundPackage> found) throws IOException {
    ZipInputStream zip = new ZipInputStream(raw);
    List<FoundPackage> fromPoms = new ArrayList<>();
    Manifest manifest = null;
    for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
      String name = e.getName();
      if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
        pom(small(zip), where).ifPresent(fromPoms::add);
      } else if (name.equals("META-INF/MANIFEST.MF")) {
        manifest = new Manifest(new ByteArrayInputStream(small(zip)));
      } else if (depth < MAX_NESTING && isArchive(name) && !e.isDirectory()) {
        try {
          archive(unclosable(zip), where + "!/" + name, depth + 1, found);
        } catch (ZipException nested) {
          // a damaged inner archive lists nothing; the outer one goes on
        }
      }
    }
    if (!fromPoms.isEmpty()) {
      fromPoms.forEach(found);
    } else if (manifest != null) {
      fromManifest(manifest.getMainAttributes(), where).ifPresent(found);
    }
  }

  private static Optional<FoundPackage> pom(byte[] bytes, String where) throws IOException {
    Properties p = new Properties();
    p.load(new ByteArrayInputStream(bytes));
    String group = p.getProperty("groupId", "").strip();
    String artifact = p.getProperty("artifactId", "").strip();
    String version = p.getProperty("version", "").strip();
    if (group.isEmpty() || artifact.isEmpty() || version.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new FoundPackage(
            "maven",
            group + ":" + artifact,
            version,
            Optional.of(
                "pkg:maven/"
                    + Purls.encode(group)
                    + "/"
                    + Purls.encode(artifact)
                    + "@"
                    + Purls.encode(version)),
            Optional.empty(),
            where));
  }

  private static Optional<FoundPackage> fromManifest(Attributes a, String where) {
    String title = a.getValue("Implementation-Title");
    String version = a.getValue("Implementation-Version");
    if (title == null || version == null) {
      title = a.getValue("Bundle-SymbolicName");
      version = a.getValue("Bundle-Version");
      if (title != null && title.contains(";")) {
        title = title.substring(0, title.indexOf(';')); // ;singleton:=true and the like
      }
    }
    if (title == null || version == null || title.isBlank() || version.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(
        new FoundPackage(
            "maven",
            title.strip(),
            version.strip(),
            Optional.empty(),
            Optional.ofNullable(a.getValue("Bundle-License")),
            where));
  }

  private static boolean isArchive(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".jar") || lower.endsWith(".war");
  }

  /** The current entry's bytes, if it is small; a huge "pom.properties" is not read. */
  private static byte[] small(InputStream entry) throws IOException {
    byte[] bytes = entry.readNBytes(MAX_SMALL_FILE + 1);
    return bytes.length > MAX_SMALL_FILE ? new byte[0] : bytes;
  }

  private static InputStream unclosable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {
        // the outer archive's stream stays open for its next entry
      }
    };
  }
}
