package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheKey;
import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.cache.store.AtomicFile;
import dev.kiln.core.checksum.LayerEntryTree;
import dev.kiln.core.checksum.SourceNotFoundException;
import dev.kiln.core.checksum.TreeChecksummer;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.step.ConfigInstructions;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceFile;
import dev.kiln.core.step.StackSourceTree;
import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.Mount;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.instructions.SourceContent;
import dev.kiln.dockerfile.instructions.SourcesAndDest;
import dev.kiln.dockerfile.parser.Heredoc;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cache key of each step: the previous step's key, the config it starts from (which names every
 * layer below it), the instruction as written, the values of the variables it read (for RUN, its
 * whole environment but proxies), heredoc bodies, mount definitions, the content of what it copies
 * or bind-mounts, {@code SOURCE_DATE_EPOCH} when set and, for steps that may write a layer, its
 * compression. The key never depends on file times, on the owners of context files, on secret
 * values or on cache-mount contents.
 *
 * <p>{@code COPY --from=stage} and {@code RUN --mount=type=bind,from=stage} key on the content of
 * the selected paths of that stage. Computing it reads the stage's layers, so the result is
 * remembered per (stage config, sources) in the store: on a rebuild where the stage was a cache
 * hit, no layer is read.
 */
final class StepKeys {
  private final BuildScope scope;
  private final TreeChecksummer context;
  private final TreeChecksummer mountedContext;
  private final RemoteCaches remote;

  /**
   * @param context the build context as COPY sees it ({@code .dockerignore} applied)
   * @param mountedContext the build context as {@code RUN --mount=type=bind} sees it: the directory
   *     itself, ignored files included
   * @param remote imported remote caches, for {@code COPY --from} selection checksums
   */
  StepKeys(
      BuildScope scope,
      TreeChecksummer context,
      TreeChecksummer mountedContext,
      RemoteCaches remote) {
    this.scope = scope;
    this.context = context;
    this.mountedContext = mountedContext;
    this.remote = remote;
  }

  /**
   * Whether a step's result is recorded and reused. Every step is, config-only ones included: a
   * rebuild then reproduces their history entries too (with their original times), so an unchanged
   * Dockerfile gives the same image digest and a push sends nothing. The exception is ADD of a URL
   * without {@code --checksum}, which is fetched every time.
   */
  static boolean cacheable(Instruction instruction) {
    if (instruction instanceof AddInstruction add) {
      boolean urls = add.files().sourcePaths().stream().anyMatch(CopySources::isUrl);
      return !urls || (add.checksum() != null && !add.checksum().isEmpty());
    }
    return true;
  }

  CacheKey key(
      CacheKey previous,
      DispatchedInstruction step,
      StageState state,
      Map<Integer, StageResult> done,
      BuildPlan plan)
      throws IOException, CopyFailure {
    Instruction instruction = step.expanded();
    // The config the step starts from names every layer below it by diffID, so it fixes the
    // step's input. The previous key alone does not: a step that ran again under the same key
    // (--no-cache-filter, a pruned entry, a URL fetched anew) can produce something else, and no
    // result computed on its old output may be reused after it.
    CacheKeyBuilder b =
        CacheKeyBuilder.after(previous)
            .instruction(step.parsed().original())
            .variables(step.usedVariables())
            .input("state", state.config().raw().digest());
    // SOURCE_DATE_EPOCH sets every history time and clamps layer mtimes; a result made without it
    // (or with another) is not the one a reproducible build asks for.
    scope
        .request()
        .sourceDateEpoch()
        .ifPresent(epoch -> b.field("source-date-epoch", Long.toString(epoch)));
    if (!ConfigInstructions.handles(instruction)) {
      // Layers are written compressed as the image output asks; a cached gzip layer is no
      // answer to a zstd build. (The level only changes the bytes, not the format: not keyed.)
      b.field("compression", scope.layerOptions().compression().name());
    }
    for (Heredoc doc : step.parsed().node().heredocs()) {
      b.heredoc(doc.name(), doc.content());
    }
    if (instruction instanceof RunInstruction run) {
      for (String entry : step.cacheEnvironment()) {
        int eq = entry.indexOf('=');
        b.variable(entry.substring(0, eq), entry.substring(eq + 1));
      }
      for (String mount : run.mountSpecs()) {
        b.mount(mount);
      }
      int index = 0;
      for (Mount mount : run.mounts()) {
        index++;
        if (mount.type() == Mount.Type.BIND) {
          bound(b, index, mount, done, plan);
        }
      }
      b.field("network", scope.request().network());
      b.field("user", String.valueOf(state.config().configOrEmpty().user()));
      b.field("workdir", String.valueOf(state.config().configOrEmpty().workingDir()));
      b.field("shell", String.valueOf(state.config().configOrEmpty().shell()));
    }
    if (instruction instanceof CopyInstruction copy) {
      sources(b, copy.files(), copy.from(), done, plan);
    } else if (instruction instanceof AddInstruction add) {
      if (add.checksum() != null && !add.checksum().isEmpty()) {
        b.field("checksum", add.checksum());
      }
      if (add.files().sourcePaths().stream().noneMatch(CopySources::isUrl)) {
        sources(b, add.files(), "", done, plan);
      }
    }
    return b.build();
  }

  private void sources(
      CacheKeyBuilder b,
      SourcesAndDest files,
      String from,
      Map<Integer, StageResult> done,
      BuildPlan plan)
      throws IOException, CopyFailure {
    for (SourceContent doc : files.sourceContents()) {
      b.heredoc(doc.path(), doc.data());
    }
    if (from == null || from.isEmpty()) {
      for (String source : files.sourcePaths()) {
        b.input("context:" + source, contextChecksum(source));
      }
      return;
    }
    Optional<Stage> stage =
        from.chars().allMatch(Character::isDigit)
            ? Optional.of(plan.stage(Integer.parseInt(from)))
            : plan.stage(from);
    if (stage.isPresent()) {
      StageResult result = done.get(stage.get().index());
      b.input("stage:" + from, stageChecksum(result, files.sourcePaths()));
      return;
    }
    if (scope.request().buildContexts().get(from)
        instanceof dev.kiln.api.request.NamedContext.Directory dir) {
      TreeChecksummer named =
          new TreeChecksummer(
              dev.kiln.core.checksum.DirectoryTree.plain(dir.dir(), "context " + from));
      b.input("named:" + from, named.select(files.sourcePaths()).digest());
      return;
    }
    String reference =
        scope.request().buildContexts().containsKey(from)
            ? StageRunner.contextReference(scope.request().buildContexts().get(from), from)
            : from;
    BaseImages.Base base = scope.baseImages().resolve(reference, scope.targetPlatform());
    b.input("image:" + from, base.image().digest());
  }

  /**
   * The content a bind mount shows the command, which the mount's definition alone does not fix:
   * files of the context (as mounted, ignored ones included), of a stage, of a named context
   * directory, or the digest of an image.
   */
  private void bound(
      CacheKeyBuilder b, int index, Mount mount, Map<Integer, StageResult> done, BuildPlan plan)
      throws IOException {
    String from = mount.from() == null ? "" : mount.from();
    String source = LayerPath.normalize(mount.source() == null ? "" : mount.source());
    String name = "bind" + index + ":" + from + ":" + source;
    if (from.isEmpty()) {
      b.input(name, selectOrMissing(mountedContext, source));
      return;
    }
    Optional<Stage> stage =
        from.chars().allMatch(Character::isDigit)
            ? Optional.of(plan.stage(Integer.parseInt(from)))
            : plan.stage(from);
    if (stage.isPresent()) {
      b.input(name, stageChecksum(done.get(stage.get().index()), List.of(source)));
      return;
    }
    if (scope.request().buildContexts().get(from)
        instanceof dev.kiln.api.request.NamedContext.Directory dir) {
      TreeChecksummer named =
          new TreeChecksummer(
              dev.kiln.core.checksum.DirectoryTree.plain(dir.dir(), "context " + from));
      b.input(name, selectOrMissing(named, source));
      return;
    }
    String reference =
        scope.request().buildContexts().containsKey(from)
            ? StageRunner.contextReference(scope.request().buildContexts().get(from), from)
            : from;
    b.input(name, scope.baseImages().resolve(reference, scope.targetPlatform()).image().digest());
  }

  /** The checksum of {@code source}; a missing one is reported by the mount itself. */
  private static Digest selectOrMissing(TreeChecksummer tree, String source) throws IOException {
    try {
      return tree.select(List.of(source)).digest();
    } catch (SourceNotFoundException | IllegalArgumentException e) {
      return Digest.sha256(("missing:" + source).getBytes(StandardCharsets.UTF_8));
    }
  }

  private Digest contextChecksum(String source) throws IOException, CopyFailure {
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

  /**
   * The content checksum of {@code sources} in a finished stage, remembered by the digest of the
   * stage's final config (which names every layer by diffID, so fixes the content; the stage's key
   * does not when its last step ran again) so a rebuild that hit the stage's cache reads no layer.
   */
  private Digest stageChecksum(StageResult result, List<String> sources) throws IOException {
    Path memo =
        scope
            .store()
            .paths()
            .buildCacheDirectory()
            .resolve("selections")
            .resolve(
                Digest.sha256(
                        (result.state().config().raw().digest() + "\n" + String.join("\n", sources))
                            .getBytes(StandardCharsets.UTF_8))
                    .hex());
    String name = memo.getFileName().toString();
    if (Files.isRegularFile(memo)) {
      try {
        Digest known = Digest.parse(Files.readString(memo).trim());
        remote.recordSelection(name, known);
        return known;
      } catch (IllegalArgumentException e) {
        // A damaged memo is recomputed.
      }
    }
    Optional<Digest> imported = remote.selection(name);
    if (imported.isPresent()) {
      Files.createDirectories(memo.getParent());
      AtomicFile.write(memo, imported.get().toString().getBytes(StandardCharsets.US_ASCII));
      remote.recordSelection(name, imported.get());
      return imported.get();
    }
    List<String> roots = new ArrayList<>();
    List<String> resolved = new ArrayList<>();
    for (String source : sources) {
      String normalized = LayerPath.normalize(source);
      String prefix = fixedPrefix(normalized);
      String real = result.state().rootfs().resolve(prefix, true);
      roots.add(real);
      resolved.add(real + normalized.substring(prefix.length()));
    }
    Path spool = Files.createTempDirectory(scope.spool(), "keysel-");
    try {
      StackSourceTree files = new StackSourceTree(result.state().rootfs(), "stage", spool);
      List<LayerEntry> entries = new ArrayList<>();
      for (String root : roots) {
        Optional<SourceFile> top = files.stat(root, false);
        if (top.isEmpty()) {
          continue;
        }
        if (!root.isEmpty()) {
          entries.add(entry(top.get()));
        }
        if (top.get().type() == dev.kiln.core.layer.EntryType.DIRECTORY) {
          files.walk(root, (SourceFile f) -> entries.add(StepKeys.entry(f)));
        }
      }
      TreeChecksummer checksummer =
          new TreeChecksummer(new LayerEntryTree(dedupe(entries), "stage"));
      Digest digest;
      try {
        digest = checksummer.select(resolved).digest();
      } catch (SourceNotFoundException e) {
        // The copy itself reports the missing path with the right message.
        digest = Digest.sha256(("missing:" + resolved).getBytes(StandardCharsets.UTF_8));
      }
      Files.createDirectories(memo.getParent());
      AtomicFile.write(memo, digest.toString().getBytes(StandardCharsets.US_ASCII));
      remote.recordSelection(name, digest);
      return digest;
    } finally {
      BuildRun.deleteTree(spool);
    }
  }

  private static List<LayerEntry> dedupe(List<LayerEntry> entries) {
    Map<String, LayerEntry> byPath = new java.util.LinkedHashMap<>();
    for (LayerEntry e : entries) {
      byPath.put(e.path(), e);
    }
    return new ArrayList<>(byPath.values());
  }

  private static LayerEntry entry(SourceFile f) {
    return new LayerEntry(
        f.path(),
        f.type(),
        f.mode(),
        f.uid(),
        f.gid(),
        f.size(),
        f.mtime(),
        f.linkTarget(),
        f.devMajor(),
        f.devMinor(),
        f.xattrs(),
        f.type() == dev.kiln.core.layer.EntryType.REGULAR ? f.content() : null);
  }

  private static String fixedPrefix(String path) {
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

  private static boolean hasWildcard(String text) {
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
