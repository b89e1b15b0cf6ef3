package dev.kiln.core.sbom;

import dev.kiln.core.fs.LayerBytes;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.layer.EntryType;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The packages of a stage's files, as {@link PackageScan} lists them, made from what each layer's
 * own files hold ({@link LayerPackages}, kept in the store by diffID): the image's tree is walked
 * through the layer indexes to see which wanted file is visible from which layer, and only a layer
 * never scanned before is read, once, all its wanted files in one pass (or from its unpacked
 * directory, jars opened in place). A rebuild that makes the same layers, or a new image on a
 * scanned base, reads no layer at all.
 */
public final class LayeredPackageScan {
  private static final List<String> OS_RELEASE = List.of("etc/os-release", "usr/lib/os-release");
  private static final long MAX_OS_RELEASE = 65536;

  private final StackView view;
  private final LayerPackagesStore store;
  private final Map<Digest, StackView> layers = new HashMap<>();
  private final Map<Digest, Optional<LayerPackages>> stored = new HashMap<>();
  private final Map<Digest, LayerPackages> scanned = new HashMap<>();

  private LayeredPackageScan(StackView view, LayerPackagesStore store) {
    this.view = view;
    this.store = store;
    for (StackView v = view; v.depth() > 0; v = v.below().orElseThrow()) {
      layers.putIfAbsent(v.topDiffId().orElseThrow(), v);
    }
  }

  /** The packages in {@code view}'s files, sorted, each layer's facts taken from {@code store}. */
  public static List<FoundPackage> scan(StackView view, LayerPackagesStore store)
      throws IOException {
    return new LayeredPackageScan(view, store).scan();
  }

  private List<FoundPackage> scan() throws IOException {
    ImageFiles files = ImageFiles.of(view);
    OsRelease os = osRelease();
    Set<FoundPackage> found = new LinkedHashSet<>();
    List<String> alone = new ArrayList<>();
    for (String path : PackageScan.wanted(files)) {
      StackView.Node node = view.get(path).orElseThrow();
      StackView.Origin origin = node.origin();
      if (origin == null) {
        continue; // an empty file lists no package
      }
      if (!PackageScan.catalogerFor(path).equals(PackageScan.catalogerFor(origin.name()))) {
        // Placed through a symlink of a lower layer where another cataloger reads it: rare, so
        // read on its own rather than kept.
        alone.add(path);
        continue;
      }
      LayerPackages facts = facts(origin.bytes().layer().diffId(), os);
      String from = "/" + origin.name();
      for (FoundPackage p : facts.packages().getOrDefault(origin.name(), List.of())) {
        found.add(path.equals(origin.name()) ? p : moved(p, from, "/" + path));
      }
    }
    PackageScan.read(files, alone, os, found::add);
    return PackageScan.sorted(found);
  }

  /** The image's distribution, from the os-release its layer's facts recorded when they can. */
  private OsRelease osRelease() throws IOException {
    for (String path : OS_RELEASE) {
      StackView.Node node = view.get(path).orElse(null);
      if (node == null
          || node.type() != EntryType.REGULAR
          || node.header().size() >= MAX_OS_RELEASE) {
        continue;
      }
      StackView.Origin origin = node.origin();
      if (origin == null) {
        return OsRelease.parse("");
      }
      Optional<LayerPackages> facts = stored(origin.bytes().layer().diffId());
      if (facts.isPresent() && facts.get().osReleases().containsKey(origin.name())) {
        return facts.get().osReleases().get(origin.name());
      }
      try (InputStream in = node.entry().content().open()) {
        return OsRelease.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return OsRelease.UNKNOWN;
  }

  private Optional<LayerPackages> stored(Digest diffId) {
    return stored.computeIfAbsent(diffId, store::get);
  }

  /** The layer's facts: kept ones when they hold for {@code os}, else scanned now and kept. */
  private LayerPackages facts(Digest diffId, OsRelease os) throws IOException {
    LayerPackages facts = scanned.get(diffId);
    if (facts != null) {
      return facts;
    }
    Optional<LayerPackages> kept = stored(diffId);
    if (kept.isPresent() && kept.get().holdsFor(os)) {
      facts = kept.get();
    } else {
      facts = scanLayer(diffId, os);
      store.put(diffId, facts);
    }
    scanned.put(diffId, facts);
    return facts;
  }

  /** Reads every wanted file of the layer's own (by its tar's names), in one pass. */
  private LayerPackages scanLayer(Digest diffId, OsRelease os) throws IOException {
    Map<String, StackView.Node> wanted = new LinkedHashMap<>();
    for (StackView.Node node : layers.get(diffId).topEntries()) {
      StackView.Origin origin = node.origin();
      if (node.type() == EntryType.REGULAR
          && origin != null
          && origin.bytes().layer().diffId().equals(diffId)
          && (OS_RELEASE.contains(origin.name())
              || PackageScan.catalogerFor(origin.name()).isPresent())) {
        wanted.putIfAbsent(origin.name(), node);
      }
    }
    Map<String, List<FoundPackage>> packages = new TreeMap<>();
    Map<String, OsRelease> releases = new TreeMap<>();
    List<String> names = new ArrayList<>(wanted.keySet());
    long[] offsets = new long[names.size()];
    long[] sizes = new long[names.size()];
    for (int i = 0; i < offsets.length; i++) {
      StackView.Node node = wanted.get(names.get(i));
      offsets[i] = node.origin().offset();
      sizes[i] = node.header().size();
    }
    if (names.isEmpty()) {
      return new LayerPackages(os, packages, releases);
    }
    LayerBytes bytes = wanted.get(names.get(0)).origin().bytes();
    LayerBytes.FileVisitor reader =
        (i, content) -> {
          String name = names.get(i);
          if (OS_RELEASE.contains(name)) {
            if (sizes[i] < MAX_OS_RELEASE) {
              releases.put(
                  name,
                  OsRelease.parse(new String(content.readAllBytes(), StandardCharsets.UTF_8)));
            }
            return;
          }
          List<FoundPackage> list = new ArrayList<>();
          Optional<Path> onDisk = bytes.unpackedFile(name, sizes[i]);
          PackageScan.catalogerFor(name)
              .orElseThrow()
              .read(name, new OneFile(name, sizes[i], content, onDisk), os, list::add);
          if (!list.isEmpty()) {
            packages.put(name, list);
          }
        };
    if (bytes.isUnpacked()) {
      for (int i = 0; i < offsets.length; i++) {
        try (InputStream in = bytes.open(names.get(i), offsets[i], sizes[i])) {
          reader.visit(i, in);
        }
      }
    } else {
      bytes.readAll(offsets, sizes, reader);
    }
    return new LayerPackages(os, packages, releases);
  }

  /** A package found at {@code from} (or inside it), as found at {@code to}. */
  private static FoundPackage moved(FoundPackage p, String from, String to) {
    String at = p.foundAt().startsWith(from) ? to + p.foundAt().substring(from.length()) : to;
    return new FoundPackage(p.ecosystem(), p.name(), p.version(), p.purl(), p.license(), at);
  }

  /** One file of a layer as the catalogers read it: the bytes being read now, maybe on disk. */
  private record OneFile(String path, long bytes, InputStream content, Optional<Path> onDisk)
      implements ImageFiles {
    @Override
    public List<String> children(String dir) {
      return List.of();
    }

    @Override
    public Optional<Kind> kind(String p) {
      return p.equals(path) ? Optional.of(Kind.REGULAR) : Optional.empty();
    }

    @Override
    public long size(String p) {
      return p.equals(path) ? bytes : 0;
    }

    @Override
    public InputStream open(String p) throws IOException {
      if (!p.equals(path)) {
        throw new IOException("no file /" + p + " in this read");
      }
      return content;
    }

    @Override
    public Optional<Path> file(String p) {
      return p.equals(path) ? onDisk : Optional.empty();
    }
  }
}
