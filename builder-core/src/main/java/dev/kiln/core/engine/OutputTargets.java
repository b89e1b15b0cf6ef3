package dev.kiln.core.engine;

import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.RequestException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ExtractOptions;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerExtractor;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.output.ArchiveDestination;
import dev.kiln.core.output.DescriptorAnnotations;
import dev.kiln.core.output.DockerArchiveWriter;
import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.core.output.ImageAnnotations;
import dev.kiln.core.output.ImageOutput;
import dev.kiln.core.output.LocalStoreOutput;
import dev.kiln.core.output.OciArchiveWriter;
import dev.kiln.core.output.OciLayoutWriter;
import dev.kiln.core.output.RegistryOutput;
import dev.kiln.core.step.SourceFile;
import dev.kiln.core.step.StackSourceTree;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns each {@code --output} into the writer that carries it out, and exports the final stage's
 * files for {@code type=local} and {@code type=tar}.
 */
final class OutputTargets {
  private final BuildRequest request;
  private final ContentStore store;
  private final RegistryAccess registry;
  private final StageResult result;
  private final Map<Digest, ImageReference> mountSources;
  private final List<RegistryOutput> registryOutputs = new ArrayList<>();

  OutputTargets(
      BuildRequest request, ContentStore store, RegistryAccess registry, StageResult result) {
    this(request, store, registry, result, result.mountSources());
  }

  /**
   * @param result the final stage, whose files {@code type=local|tar} export
   * @param mountSources where a push can mount registry layers from: of every platform's image
   */
  OutputTargets(
      BuildRequest request,
      ContentStore store,
      RegistryAccess registry,
      StageResult result,
      Map<Digest, ImageReference> mountSources) {
    this.request = request;
    this.store = store;
    this.registry = registry;
    this.result = result;
    this.mountSources = Map.copyOf(mountSources);
  }

  ImageOutput forSpec(OutputSpec spec) {
    Path dest = spec.dest().orElse(null);
    return switch (spec.type()) {
      case IMAGE -> {
        if (spec.push()) {
          RegistryOutput out = new RegistryOutput(registry.client(), mountSources);
          registryOutputs.add(out);
          yield spec.store() ? new PushedAndStored(out, new LocalStoreOutput(store)) : out;
        }
        yield new LocalStoreOutput(store);
      }
      case OCI -> new OciArchiveWriter(dest, System.out, descriptorAnnotations(spec));
      case OCI_LAYOUT -> new OciLayoutWriter(dest, descriptorAnnotations(spec));
      case DOCKER -> new DockerArchiveWriter(dest, System.out);
      default -> throw new IllegalArgumentException(spec.type() + " is not an image output");
    };
  }

  /**
   * {@code type=image,push=true,store=true}: pushed, then named in kiln's store too (by the names
   * the store gives the pushed references), as BuildKit's image exporter keeps what it pushes.
   */
  private record PushedAndStored(ImageOutput pushed, LocalStoreOutput stored)
      implements ImageOutput {
    @Override
    public void write(dev.kiln.core.image.BuiltImage image, List<String> names) throws IOException {
      pushed.write(image, names);
      stored.write(image, storeNames(names));
    }

    @Override
    public void writeIndex(dev.kiln.core.image.BuiltIndex index, List<String> names)
        throws IOException {
      pushed.writeIndex(index, names);
      stored.writeIndex(index, storeNames(names));
    }

    @Override
    public boolean keepsAttestations() {
      return pushed.keepsAttestations();
    }

    @Override
    public String describe() {
      return pushed.describe() + " and " + stored.describe();
    }

    private static List<String> storeNames(List<String> names) {
      return names.stream().map(StoreNames::of).distinct().toList();
    }
  }

  /** What an OCI layout's {@code index.json} puts on the descriptor of the image or index. */
  private DescriptorAnnotations descriptorAnnotations(OutputSpec spec) {
    Platform single =
        request.platforms().isEmpty()
            ? Platform.host()
            : Platform.parse(request.platforms().get(0));
    return ImageAnnotations.of(request, spec).descriptors(single);
  }

  /** The names an output records: its own {@code name=}, else the {@code -t} tags. */
  List<String> namesFor(OutputSpec spec) {
    List<String> names = spec.names().isEmpty() ? request.tags() : spec.names();
    if (spec.type() == OutputSpec.Type.IMAGE) {
      if (spec.push() && names.isEmpty()) {
        throw new RequestException("pushing needs a name", "add -t registry.example/app:tag");
      }
      if (!spec.push()) {
        List<String> normalised = new ArrayList<>();
        for (String name : names) {
          normalised.add(StoreNames.of(name));
        }
        return normalised.stream().distinct().toList();
      }
    }
    return names.stream().distinct().toList();
  }

  /** Each push of this build: the manifest and the repository it went to. */
  List<dev.kiln.registry.client.PushResult> pushResults() {
    List<dev.kiln.registry.client.PushResult> all = new ArrayList<>();
    registryOutputs.forEach(o -> all.addAll(o.results()));
    return all;
  }

  List<String> pushed() {
    List<String> all = new ArrayList<>();
    registryOutputs.forEach(o -> all.addAll(o.pushed()));
    return all;
  }

  /**
   * {@code type=local}: the files into a directory; {@code type=tar}: the files as one tar. A tar
   * appears under its name only when complete; a directory this export created is removed again
   * when it fails. A failure to write names the destination.
   */
  void exportFiles(OutputSpec spec) throws IOException {
    try {
      export(spec);
    } catch (LayerFormatException e) {
      throw new LayerFormatException(
          "cannot export the final stage's files to "
              + spec.dest().orElseThrow()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private void export(OutputSpec spec) throws IOException {
    Path dest = spec.dest().orElseThrow();
    List<LayerRef> layers = result.state().layers();
    if (spec.type() == OutputSpec.Type.LOCAL) {
      boolean created = !Files.exists(dest, LinkOption.NOFOLLOW_LINKS);
      try {
        extractInto(dest, layers);
      } catch (LayerFormatException e) {
        removeIfCreated(created, dest);
        throw e;
      } catch (IOException e) {
        removeIfCreated(created, dest);
        throw FileSystemFailures.within(dest, e);
      } catch (RuntimeException e) {
        removeIfCreated(created, dest);
        throw e;
      }
      return;
    }
    Path spool = Files.createTempDirectory(store.paths().root().resolve("tmp"), "export-");
    try {
      StackSourceTree files = new StackSourceTree(result.state().rootfs(), "final stage", spool);
      LayerTree tree = new LayerTree();
      List<IOException> failures = new ArrayList<>();
      Map<String, String> linked = new HashMap<>();
      files.walk(
          "",
          (SourceFile f) -> {
            try {
              LayerEntry entry = f.toLayerEntry();
              String first =
                  f.linkGroup() == null ? null : linked.putIfAbsent(f.linkGroup(), f.path());
              if (first != null) {
                tree.add(
                    LayerEntry.hardlink(
                        entry.path(),
                        first,
                        entry.mode(),
                        entry.uid(),
                        entry.gid(),
                        entry.mtime()));
                return;
              }
              tree.add(entry);
            } catch (IllegalArgumentException e) {
              failures.add(
                  new IOException(
                      "cannot export /" + f.path() + " of the final stage: " + e.getMessage(), e));
            }
          });
      if (!failures.isEmpty()) {
        throw failures.get(0);
      }
      LayerOptions plain = LayerOptions.defaults().withCompression(Compression.NONE);
      ArchiveDestination.write(
          dest, System.out, out -> LayerWriter.writeTo(out, tree.entries(), plain));
    } finally {
      BuildRun.deleteTree(spool);
    }
  }

  private static void removeIfCreated(boolean created, Path dest) {
    if (created) {
      BuildRun.deleteTree(dest);
    }
  }

  private void extractInto(Path dest, List<LayerRef> layers) throws IOException {
    Files.createDirectories(dest);
    boolean root = "root".equals(System.getProperty("user.name"));
    LayerExtractor extractor =
        new LayerExtractor(dest, root ? ExtractOptions.full() : ExtractOptions.unprivileged());
    for (LayerRef layer : layers) {
      try (InputStream blob = result.state().blobs().open(layer.blob())) {
        extractor.extract(blob);
      }
    }
  }
}
