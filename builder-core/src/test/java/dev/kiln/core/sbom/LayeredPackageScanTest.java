package dev.kiln.core.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.StorePaths;
import dev.kiln.core.fs.LayerBytes;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layered scan lists what the whole-image scan lists, reads a layer only the first time the
 * store sees it, and makes a kept layer's Debian package URLs again for another distribution.
 */
class LayeredPackageScanTest {
  @TempDir Path store;

  private static final String STATUS =
      """
      Package: libc6
      Status: install ok installed
      Architecture: amd64
      Version: 2.36-9

      Package: gone
      Status: deinstall ok config-files
      Architecture: amd64
      Version: 1.0
      """;

  /** Counts the times any layer's blob is opened. */
  private final AtomicInteger opens = new AtomicInteger();

  @Test
  void listsWhatTheWholeImageScanListsAndReadsEachLayerOnce() throws Exception {
    StackView image = debianJavaImage("ID=debian\nVERSION_ID=\"12\"\n");
    List<FoundPackage> whole = PackageScan.scan(ImageFiles.of(image));
    assertEquals(
        List.of(
            "/var/lib/dpkg/status pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12",
            "/opt/b.jar pkg:maven/org.example/b@2.0"),
        lines(whole),
        "the image's own view: a.jar is hidden by a whiteout in the top layer");
    LayerPackagesStore kept = new LayerPackagesStore(new StorePaths(store));

    opens.set(0);
    assertEquals(whole, LayeredPackageScan.scan(image, kept));
    assertTrue(opens.get() > 0, "the first scan reads the layers");

    opens.set(0);
    StackView again = debianJavaImage("ID=debian\nVERSION_ID=\"12\"\n");
    assertEquals(whole, LayeredPackageScan.scan(again, kept));
    assertEquals(0, opens.get(), "a rebuild of the same layers reads none of them");
  }

  @Test
  void keptDebianPackagesAreMadeAgainForAnotherDistribution() throws Exception {
    LayerPackagesStore kept = new LayerPackagesStore(new StorePaths(store));
    LayeredPackageScan.scan(debianJavaImage("ID=debian\nVERSION_ID=\"12\"\n"), kept);
    List<FoundPackage> ubuntu =
        LayeredPackageScan.scan(debianJavaImage("ID=ubuntu\nVERSION_ID=\"22.04\"\n"), kept);
    assertEquals(
        "pkg:deb/ubuntu/libc6@2.36-9?arch=amd64&distro=ubuntu-22.04",
        ubuntu.stream()
            .filter(p -> p.ecosystem().equals("deb"))
            .findFirst()
            .orElseThrow()
            .purl()
            .orElseThrow());
  }

  @Test
  void aDamagedOrOlderFactsFileIsScannedAgain() throws Exception {
    StorePaths paths = new StorePaths(store);
    LayerPackagesStore kept = new LayerPackagesStore(paths);
    StackView image = debianJavaImage("ID=debian\n");
    List<FoundPackage> first = LayeredPackageScan.scan(image, kept);
    List<Path> files;
    try (var s = Files.walk(paths.layerPackagesDirectory())) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      Files.writeString(f, "{\"format\": 0, \"packages\": {}}");
    }
    opens.set(0);
    assertEquals(first, LayeredPackageScan.scan(debianJavaImage("ID=debian\n"), kept));
    assertTrue(opens.get() > 0);
  }

  @Test
  void aHardLinkedJarIsListedUnderItsVisibleName() throws Exception {
    byte[] jar = JarBytes.maven("org.example", "c", "3.0").bytes();
    StackView image =
        StackView.empty()
            .withLayer(
                layer(List.of(file("lib/c.jar", jar), hardLink("other/c-link.jar", "lib/c.jar"))))
            .withLayer(layer(List.of(whiteout("lib/c.jar"))));
    LayerPackagesStore kept = new LayerPackagesStore(new StorePaths(store));
    List<FoundPackage> found = LayeredPackageScan.scan(image, kept);
    assertEquals(List.of("/other/c-link.jar pkg:maven/org.example/c@3.0"), lines(found));
    assertEquals(found, PackageScan.scan(ImageFiles.of(image)));
  }

  @Test
  void anUnpackedLayerIsReadFromItsDirectoryNotItsBlob() throws Exception {
    byte[] jar = JarBytes.maven("org.example", "d", "4.0").bytes();
    Path unpacked = Files.createDirectories(store.resolve("unpacked/app"));
    Files.write(unpacked.resolve("d.jar"), jar);
    StackView image =
        StackView.empty().withLayer(layer(List.of(file("app/d.jar", jar)), unpacked.getParent()));
    LayerPackagesStore kept = new LayerPackagesStore(new StorePaths(store));
    opens.set(0);
    assertEquals(
        List.of("/app/d.jar pkg:maven/org.example/d@4.0"),
        lines(LayeredPackageScan.scan(image, kept)));
    assertEquals(0, opens.get(), "the layer's blob is not read: its directory has the files");
  }

  /**
   * A Debian-like base (os-release, dpkg status), a layer of two jars, a layer that deletes one.
   */
  private StackView debianJavaImage(String osRelease) throws IOException {
    return StackView.empty()
        .withLayer(
            layer(
                List.of(
                    file("etc/os-release", osRelease.getBytes(StandardCharsets.UTF_8)),
                    file("var/lib/dpkg/status", STATUS.getBytes(StandardCharsets.UTF_8)))))
        .withLayer(
            layer(
                List.of(
                    file("app/lib/a.jar", JarBytes.maven("org.example", "a", "1.0").bytes()),
                    file("opt/b.jar", JarBytes.maven("org.example", "b", "2.0").bytes()),
                    file("opt/readme.txt", "not a package".getBytes(StandardCharsets.UTF_8)))))
        .withLayer(layer(List.of(whiteout("app/lib/a.jar"))));
  }

  private static List<String> lines(List<FoundPackage> found) {
    List<String> lines = new ArrayList<>();
    for (FoundPackage p : found) {
      lines.add(p.foundAt() + " " + p.purl().orElse(p.name()));
    }
    return lines;
  }

  private record Entry(String name, byte type, String target, byte[] content) {}

  private static Entry file(String name, byte[] content) {
    return new Entry(name, TarArchiveEntry.LF_NORMAL, "", content);
  }

  private static Entry hardLink(String name, String target) {
    return new Entry(name, TarArchiveEntry.LF_LINK, target, new byte[0]);
  }

  private static Entry whiteout(String hidden) {
    int slash = hidden.lastIndexOf('/');
    return file(hidden.substring(0, slash + 1) + ".wh." + hidden.substring(slash + 1), new byte[0]);
  }

  private StackView.LayerSource layer(List<Entry> entries) throws IOException {
    return layer(entries, null);
  }

  /** An uncompressed layer whose blob opens are counted, unpacked in {@code unpacked} if given. */
  private StackView.LayerSource layer(List<Entry> entries, Path unpacked) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry t = new TarArchiveEntry(e.name(), e.type(), true);
        t.setMode(0644);
        t.setLinkName(e.target());
        t.setSize(e.type() == TarArchiveEntry.LF_NORMAL ? e.content().length : 0);
        tar.putArchiveEntry(t);
        if (e.type() == TarArchiveEntry.LF_NORMAL) {
          tar.write(e.content());
        }
        tar.closeArchiveEntry();
      }
    }
    byte[] tar = bytes.toByteArray();
    Digest digest = Digest.sha256(tar);
    LayerRef ref =
        new LayerRef(
            Descriptor.of("application/vnd.oci.image.layer.v1.tar", digest, tar.length), digest);
    BlobSource blobs =
        d -> {
          opens.incrementAndGet();
          return new ByteArrayInputStream(tar);
        };
    LayerIndex index;
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(tar))) {
      index = LayerIndex.of(reader);
    }
    LayerBytes layerBytes = new LayerBytes(ref, blobs, () -> Optional.ofNullable(unpacked));
    return new StackView.LayerSource() {
      @Override
      public LayerIndex index() {
        return index;
      }

      @Override
      public LayerBytes bytes() {
        return layerBytes;
      }

      @Override
      public Digest diffId() {
        return digest;
      }
    };
  }
}
