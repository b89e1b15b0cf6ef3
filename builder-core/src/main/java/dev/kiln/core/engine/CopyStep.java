package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.cache.buildcache.FramedEncoder;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.git.GitCommand;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.step.ArchiveUnpacker;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.CopyPlanner;
import dev.kiln.core.step.CopyRequest;
import dev.kiln.core.step.Owner;
import dev.kiln.core.step.SourceTree;
import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.SourceContent;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.transport.ProxySettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * COPY and ADD: the files of the sources (the build context, another stage, a named context, an
 * image, heredocs, or for ADD downloaded URLs and unpacked archives) written as one layer at the
 * destination, planned by {@link CopyPlanner} and resolved through the stage's symlinks. The key
 * covers the content of exactly what is copied, never file times.
 */
final class CopyStep implements Step {
  private final BuildScope scope;
  private final Sources sources;
  private final AddGit git;
  // One counter for every CopyStep of the JVM: the platforms of a multi-platform build each have
  // their own CopyStep and run at once, over one spool directory.
  private static final AtomicInteger SPOOL_COUNTER = new AtomicInteger();

  CopyStep(BuildScope scope, Sources sources) {
    this.scope = scope;
    this.sources = sources;
    this.git = new AddGit(scope);
  }

  static CopySpec spec(Instruction instruction) {
    return instruction instanceof AddInstruction add
        ? CopySpec.of(add)
        : CopySpec.of((CopyInstruction) instruction);
  }

  /** The raw {@code --from} of a COPY (ADD has none), for the names of its key's inputs. */
  private static String from(Instruction instruction) {
    return instruction instanceof CopyInstruction copy ? copy.from() : "";
  }

  @Override
  public boolean writesLayers() {
    return true;
  }

  /**
   * {@code --link}: the layer is made on nothing (no symlink of the stage followed, no parent's
   * metadata kept) and put on top, as BuildKit's copy onto scratch then merged, so it depends on
   * the stage only through WORKDIR (a relative destination) and, for {@code --chown} by name, the
   * stage's user database; {@link #key} covers those.
   */
  @Override
  public boolean keysOnOwnInputs(StepInput in) {
    return spec(in.instruction()).link();
  }

  /**
   * ADD of a URL without {@code --checksum} is fetched every time; a git repository is keyed on the
   * commit its ref resolves to ({@link AddGit}), so it is cacheable.
   */
  @Override
  public boolean cacheable(StepInput in) {
    CopySpec spec = spec(in.instruction());
    return !spec.downloads() || (spec.checksum() != null && !spec.checksum().isEmpty());
  }

  @Override
  public void key(StepInput in, CacheKeyBuilder key) throws IOException, CopyFailure {
    CopySpec spec = spec(in.instruction());
    if (keysOnOwnInputs(in)) {
      key.field("workdir", workdir(in.state().config().configOrEmpty()));
      if (spec.chown() != null && !spec.chown().matches("[0-9]+(:[0-9]+)?")) {
        // A name is looked up in the stage's /etc/passwd and /etc/group.
        StackView rootfs = in.state().rootfs();
        key.input("users", userDatabase(rootfs));
      }
    }
    if (spec.checksum() != null && !spec.checksum().isEmpty()) {
      key.field("checksum", spec.checksum());
    }
    if (spec.downloads()) {
      return;
    }
    if (spec.git() && AddGit.isGit(spec.files().sourcePaths())) {
      git.key(spec, key);
      return;
    }
    for (SourceContent doc : spec.files().sourceContents()) {
      key.heredoc(doc.path(), doc.data());
    }
    String from = from(in.instruction());
    Sources.Source source = source(in);
    List<String> paths = spec.files().sourcePaths();
    if (source instanceof Sources.Source.BuildContext) {
      for (String path : paths) {
        key.input("context:" + path, sources.contextChecksum(path));
      }
    } else if (source instanceof Sources.Source.Stage s) {
      key.input("stage:" + from, sources.stageChecksum(s.result(), paths));
    } else if (source instanceof Sources.Source.Directory d) {
      key.input("named:" + from, sources.directoryChecksum(d, paths));
    } else {
      key.input("image:" + from, ((Sources.Source.Image) source).base().image().digest());
    }
  }

  private Sources.Source source(StepInput in) throws IOException {
    return sources.resolve(
        in.stages().plan().copySource(in.stage(), in.step().parsed()), in.stages());
  }

  @Override
  public StageState execute(StepInput in) throws IOException, CopyFailure {
    CopySpec spec = spec(in.instruction());
    if (spec.parents() && spec.add()) {
      throw new CopyFailure(
          "ADD --parents is not supported by kiln yet",
          "copy each directory with its own ADD instruction");
    }
    StageState state = in.state();
    ContainerConfig run = state.config().configOrEmpty();
    StackView rootfs = state.rootfs();
    Optional<Owner> owner = Optional.empty();
    if (spec.chown() != null && !spec.chown().isEmpty()) {
      try {
        owner =
            Optional.of(
                Owner.resolve(
                    spec.chown(), userFile(rootfs, "etc/passwd"), userFile(rootfs, "etc/group")));
      } catch (IllegalArgumentException e) {
        throw new CopyFailure(
            e.getMessage(),
            "use numeric ids (--chown=1000:1000) or add the user to the image first");
      }
    }
    Path spool = scope.storage().spool().resolve("copy-" + SPOOL_COUNTER.incrementAndGet());
    List<String> localSources = new ArrayList<>();
    List<SourceContent> heredocs = new ArrayList<>(spec.files().sourceContents());
    SourceTree tree;
    if (spec.downloads()) {
      tree =
          AddDownloads.download(
              spec.files().sourcePaths(),
              spec.checksum(),
              spool,
              localSources,
              ProxySettings.fromEnvironment(scope.request().environment()));
    } else if (spec.git() && AddGit.isGit(spec.files().sourcePaths())) {
      tree = git.checkout(spec, spool, localSources);
    } else {
      localSources.addAll(spec.files().sourcePaths());
      tree = sources.copyTree(source(in), localSources, spool);
    }
    String workdir = workdir(run);
    CopyRequest request =
        new CopyRequest(
            spec.name(),
            localSources,
            heredocs,
            spec.files().destPath(),
            workdir,
            tree,
            spec.link() ? Optional.empty() : Optional.of(rootfs),
            owner,
            Optional.ofNullable(spec.chmod()),
            spec.add() && spec.unpack() && !spec.git(),
            spec.excludes(),
            scope.write().createdSeconds(),
            spec.parents());
    LayerTree entries =
        new CopyPlanner(request, new ArchiveUnpacker(spool.resolve("archives"))).plan();
    return StepHistory.addLayer(
        scope.storage(), scope.write(), state, state.config(), entries, createdBy(spec));
  }

  /** The history text BuildKit writes: the flags that change the files, the sources, the dest. */
  private static String createdBy(CopySpec spec) {
    StringBuilder text = new StringBuilder(spec.name());
    if (spec.parents()) {
      text.append(" --parents");
    }
    if (spec.chown() != null && !spec.chown().isEmpty()) {
      text.append(" --chown=").append(spec.chown());
    }
    if (spec.chmod() != null) {
      text.append(" --chmod=").append(spec.chmod().text());
    }
    for (String src : spec.files().sourcePaths()) {
      // A token in a URL is not history.
      text.append(' ').append(GitCommand.redact(src));
    }
    for (SourceContent doc : spec.files().sourceContents()) {
      text.append(" <<").append(doc.path());
    }
    return text.append(' ').append(spec.files().destPath()).append(" # buildkit").toString();
  }

  private static String workdir(ContainerConfig run) {
    return run.workingDir() == null || run.workingDir().isEmpty() ? "/" : run.workingDir();
  }

  /** The digest of the stage's /etc/passwd and /etc/group, which a {@code --chown} name reads. */
  private static Digest userDatabase(StackView rootfs) throws IOException {
    FramedEncoder files = FramedEncoder.hashing("kiln.copy.users.v1");
    for (String path : List.of("etc/passwd", "etc/group")) {
      Optional<byte[]> bytes = userFile(rootfs, path);
      files.frame(1, path).frame(2, bytes.isPresent() ? bytes.get() : new byte[0]);
      files.frame(3, bytes.isPresent() ? "present" : "absent");
    }
    return files.digest();
  }

  /** {@code /etc/passwd} or {@code /etc/group} of the stage, for user and group names. */
  static Optional<byte[]> userFile(StackView rootfs, String path) throws IOException {
    return rootfs.readFile(path, 4 * 1024 * 1024);
  }
}
