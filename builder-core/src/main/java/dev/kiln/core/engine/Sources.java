package dev.kiln.core.engine;

import dev.kiln.api.request.NamedContext;
import dev.kiln.cache.store.AtomicFile;
import dev.kiln.core.checksum.DirectoryTree;
import dev.kiln.core.checksum.LayerEntryTree;
import dev.kiln.core.checksum.SourceNotFoundException;
import dev.kiln.core.checksum.TreeChecksummer;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.image.StoreFirstBlobSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.step.ContextTree;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceFile;
import dev.kiln.core.step.SourceTree;
import dev.kiln.core.step.StackSourceTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.plan.StageBase;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The places COPY, ADD and {@code RUN --mount} read files from: the build context (when nothing is
 * named), a directory given with {@code --build-context}, another stage, or an image. What a {@code
 * --from} names is decided once, by the plan ({@link StageBase}); this class turns that into files:
 * a tree to copy from, a content checksum for the step's key, or a mount source.
 *
 * <p>The key of a copy from a stage covers the content of the selected paths. Computing it reads
 * the stage's files, so the result is remembered per (stage config, sources) in the store: a
 * rebuild whose stage was a cache hit reads nothing.
 */
final class Sources {
  private final BuildScope scope;
  private final TreeChecksummer context;
  private final PatternMatcher ignore;
  private final RemoteCaches remote;

  /**
   * @param context the build context as COPY and {@code RUN --mount=type=bind} see it
   * @param ignore the context's {@code .dockerignore}, which {@code context} applies
   * @param remote imported remote caches, for remembered selection checksums
   */
  Sources(BuildScope scope, TreeChecksummer context, PatternMatcher ignore, RemoteCaches remote) {
    this.scope = scope;
    this.context = context;
    this.ignore = ignore;
    this.remote = remote;
  }

  /** One place to read files from. */
  sealed interface Source {
    /** What the user calls it in messages. */
    String description();

    /** The build context. */
    record BuildContext() implements Source {
      @Override
      public String description() {
        return "the build context";
      }
    }

    /** A directory given with {@code --build-context NAME=DIR}. */
    record Directory(String name, Path dir) implements Source {
      @Override
      public String description() {
        return "build context " + name;
      }
    }

    /** A stage of this Dockerfile, already built. */
    record Stage(String name, StageResult result) implements Source {
      @Override
      public String description() {
        return "stage " + name;
      }
    }

    /** An image (a registry, the store, an OCI layout, or a named context that is one). */
    record Image(String name, BaseImages.Base base) implements Source {
      @Override
      public String description() {
        return "image " + name;
      }
    }
  }

  /** What {@code from} (the plan's answer; empty for none) names, for a step of {@code stages}. */
  Source resolve(Optional<StageBase> from, StageResults stages) throws IOException {
    if (from.isEmpty()) {
      return new Source.BuildContext();
    }
    StageBase base = from.get();
    if (base instanceof StageBase.Stage s) {
      return new Source.Stage(stages.plan().stage(s.index()).displayName(), stages.of(s.index()));
    }
    if (base instanceof StageBase.Context c) {
      NamedContext named = scope.request().buildContexts().get(c.name());
      if (named instanceof NamedContext.Directory dir) {
        return new Source.Directory(c.name(), dir.dir());
      }
      return new Source.Image(c.name(), image(StageRunner.contextReference(named, c.name())));
    }
    String reference = base instanceof StageBase.Image i ? i.reference() : "scratch";
    return new Source.Image(reference, image(reference));
  }

  private BaseImages.Base image(String reference) throws IOException {
    return scope.storage().baseImages().resolve(reference, scope.targetPlatform());
  }

  /**
   * The tree COPY reads {@code sources} from. For a stage or an image each source's fixed prefix
   * (up to the first wildcard) is resolved through its symlinks first, and {@code sources} is
   * rewritten in place to the resolved paths.
   */
  SourceTree copyTree(Source source, List<String> sources, Path spool) throws IOException {
    if (source instanceof Source.BuildContext) {
      return scope.context();
    }
    if (source instanceof Source.Directory d) {
      return new ContextTree(d.dir(), PatternMatcher.of(List.of()));
    }
    StackView view = view(source);
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i).contains("/./")) {
        continue; // a COPY --parents pivot: the planner needs the source as written
      }
      String normalized = LayerPath.normalize(sources.get(i));
      String prefix = fixedPrefix(normalized);
      String resolved = view.resolve(prefix, true);
      String rest = normalized.substring(prefix.length());
      rest = rest.startsWith("/") ? rest.substring(1) : rest;
      sources.set(
          i, rest.isEmpty() ? resolved : (resolved.isEmpty() ? rest : resolved + "/" + rest));
    }
    return new StackSourceTree(view, source.description(), spool.resolve("union"));
  }

  /** The files of a stage or an image. */
  private StackView view(Source source) {
    if (source instanceof Source.Stage s) {
      return s.result().state().rootfs();
    }
    Source.Image image = (Source.Image) source;
    return scope.storage().views().of(layers(image.base()), blobs(image.base()));
  }

  /** The content checksum of one COPY source in the build context (a glob allowed). */
  Digest contextChecksum(String source) throws IOException, CopyFailure {
    try {
      return context.select(List.of(source)).digest();
    } catch (SourceNotFoundException e) {
      if (hasWildcard(source)) {
        // A wildcard that matches nothing copies nothing, as in BuildKit.
        return Digest.sha256(("empty:" + source).getBytes(StandardCharsets.UTF_8));
      }
      throw new CopyFailure(
          "COPY failed: \"/" + LayerPath.normalize(source) + "\": not found in the build context",
          "check the path, and that .dockerignore does not exclude it");
    } catch (IllegalArgumentException e) {
      throw new CopyFailure(
          "bad source pattern \"" + source + "\": " + e.getMessage(), "fix the pattern");
    }
  }

  /** The content checksum of {@code sources} in a named context directory. */
  Digest directoryChecksum(Source.Directory dir, List<String> sources) throws IOException {
    return new TreeChecksummer(DirectoryTree.plain(dir.dir(), "context " + dir.name()))
        .select(sources)
        .digest();
  }

  /**
   * What a bind mount of {@code path} in {@code source} shows the command, which the mount's
   * definition alone does not fix: files of the context (as mounted: what {@code .dockerignore}
   * excludes is neither mounted nor counted), of a named context directory or a stage, or the
   * digest of an image. A missing path gives a fixed value: the mount itself reports it.
   */
  Digest mountChecksum(Source source, String path) throws IOException {
    if (source instanceof Source.BuildContext) {
      return selectOrMissing(context, path);
    }
    if (source instanceof Source.Directory d) {
      return selectOrMissing(
          new TreeChecksummer(DirectoryTree.plain(d.dir(), "context " + d.name())), path);
    }
    if (source instanceof Source.Stage s) {
      return stageChecksum(s.result(), List.of(path));
    }
    return ((Source.Image) source).base().image().digest();
  }

  /** What a mount of {@code source} binds: a directory of the user's, or layers to unpack. */
  MountSources.Source mountFiles(Source source) {
    if (source instanceof Source.BuildContext) {
      return new MountSources.Source.Directory(
          scope.request().context(), source.description(), ignore);
    }
    if (source instanceof Source.Directory d) {
      return new MountSources.Source.Directory(
          d.dir(), source.description(), PatternMatcher.of(List.of()));
    }
    if (source instanceof Source.Stage s) {
      return new MountSources.Source.Layers(
          s.result().state().layers(), s.result().state().blobs(), source.description());
    }
    BaseImages.Base base = ((Source.Image) source).base();
    return new MountSources.Source.Layers(layers(base), blobs(base), source.description());
  }

  private static Digest selectOrMissing(TreeChecksummer tree, String source) throws IOException {
    try {
      return tree.select(List.of(source)).digest();
    } catch (SourceNotFoundException | IllegalArgumentException e) {
      return Digest.sha256(("missing:" + source).getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The content checksum of {@code sources} in a finished stage, remembered by the stage's identity
   * (its layers and config, times aside: {@link StateIdentity}; the stage's key does not fix the
   * content when its last step ran again) so a rebuild that hit the stage's cache reads no layer.
   */
  Digest stageChecksum(StageResult result, List<String> sources) throws IOException {
    Path memo = selectionMemo(result, sources);
    String name = memo.getFileName().toString();
    Optional<Digest> remembered = rememberedSelection(memo);
    if (remembered.isPresent()) {
      remote.recordSelection(name, remembered.get());
      return remembered.get();
    }
    Optional<Digest> imported = remote.selection(name);
    Digest digest = imported.isPresent() ? imported.get() : checksumSelection(result, sources);
    Files.createDirectories(memo.getParent());
    AtomicFile.write(memo, digest.toString().getBytes(StandardCharsets.US_ASCII));
    remote.recordSelection(name, digest);
    return digest;
  }

  /** Where the checksum of {@code sources} in {@code result}'s stage is remembered. */
  private Path selectionMemo(StageResult result, List<String> sources) {
    return scope
        .storage()
        .store()
        .paths()
        .buildCacheDirectory()
        .resolve("selections")
        .resolve(
            Digest.sha256(
                    (result.state().identity() + "\n" + String.join("\n", sources))
                        .getBytes(StandardCharsets.UTF_8))
                .hex());
  }

  /** The checksum {@code memo} holds; empty when there is none or it is damaged. */
  private static Optional<Digest> rememberedSelection(Path memo) throws IOException {
    if (!Files.isRegularFile(memo)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(Files.readString(memo).trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // A damaged memo is recomputed.
    }
  }

  /** Reads the stage's files under {@code sources} and checksums them as a COPY key does. */
  private Digest checksumSelection(StageResult result, List<String> sources) throws IOException {
    StackView view = result.state().rootfs();
    List<String> roots = new ArrayList<>();
    List<String> resolved = new ArrayList<>();
    for (String source : sources) {
      String normalized = LayerPath.normalize(source);
      String prefix = fixedPrefix(normalized);
      String real = view.resolve(prefix, true);
      roots.add(real);
      resolved.add(real + normalized.substring(prefix.length()));
    }
    Path spool = Files.createTempDirectory(scope.storage().spool(), "keysel-");
    try {
      List<LayerEntry> entries = entriesUnder(new StackSourceTree(view, "stage", spool), roots);
      TreeChecksummer checksummer = new TreeChecksummer(new LayerEntryTree(entries, "stage"));
      try {
        return checksummer.select(resolved).digest();
      } catch (SourceNotFoundException e) {
        // The copy itself reports the missing path with the right message.
        return Digest.sha256(("missing:" + resolved).getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      BuildRun.deleteTree(spool);
    }
  }

  /** Each of {@code roots} (but the stage's root itself) and everything below it, once. */
  private static List<LayerEntry> entriesUnder(StackSourceTree files, List<String> roots)
      throws IOException {
    Map<String, LayerEntry> entries = new LinkedHashMap<>();
    for (String root : roots) {
      Optional<SourceFile> top = files.stat(root, false);
      if (top.isEmpty()) {
        continue;
      }
      if (!root.isEmpty()) {
        entries.put(root, top.get().toLayerEntry());
      }
      if (top.get().type() == EntryType.DIRECTORY) {
        files.walk(root, (SourceFile f) -> entries.put(f.path(), f.toLayerEntry()));
      }
    }
    return new ArrayList<>(entries.values());
  }

  private static List<LayerRef> layers(BaseImages.Base base) {
    List<Digest> diffIds = base.image().config().diffIds();
    List<LayerRef> layers = new ArrayList<>();
    for (int i = 0; i < base.image().manifest().layers().size(); i++) {
      var blob = base.image().manifest().layers().get(i);
      layers.add(new LayerRef(blob, i < diffIds.size() ? diffIds.get(i) : blob.digest()));
    }
    return layers;
  }

  private StoreFirstBlobSource blobs(BaseImages.Base base) {
    return StoreFirstBlobSource.streaming(
        scope.storage().store(), base.image().blobs(), base.image().source());
  }

  /** The leading components of {@code path} without a wildcard. */
  static String fixedPrefix(String path) {
    String[] parts = path.isEmpty() ? new String[0] : path.split("/");
    List<String> fixed = new ArrayList<>();
    for (String part : parts) {
      if (hasWildcard(part)) {
        break;
      }
      fixed.add(part);
    }
    return String.join("/", fixed);
  }

  static boolean hasWildcard(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }
}
