package dev.kiln.core.engine;

import dev.kiln.api.event.StepRef;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.core.step.ArchiveUnpacker;
import dev.kiln.core.step.ConfigChange;
import dev.kiln.core.step.ConfigInstructions;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.CopyPlanner;
import dev.kiln.core.step.CopyRequest;
import dev.kiln.core.step.Owner;
import dev.kiln.core.step.SourceTree;
import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.FileModeSpec;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.instructions.SourceContent;
import dev.kiln.dockerfile.instructions.SourcesAndDest;
import dev.kiln.dockerfile.instructions.WorkdirInstruction;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executes one dispatched instruction on a stage state: config-only instructions change the config
 * ({@link ConfigInstructions}); WORKDIR creates its directory when missing; COPY and ADD write a
 * layer ({@link CopyPlanner}); RUN runs in a sandbox. Every instruction adds its history entry.
 */
final class StepExecutor {
  private final BuildScope scope;
  private final CopySources sources;
  private final RunStep runStep;
  private final AtomicInteger spoolCounter = new AtomicInteger();

  StepExecutor(BuildScope scope, CopySources sources, RunStep runStep) {
    this.scope = scope;
    this.sources = sources;
    this.runStep = runStep;
  }

  StageState execute(
      DispatchedInstruction step,
      StageState state,
      boolean cmdSetInStage,
      StepRef ref,
      Map<Integer, StageResult> done,
      BuildPlan plan)
      throws IOException, CopyFailure, RunFailedException {
    Instruction instruction = step.expanded();
    ImageConfig config = state.config();
    ContainerConfig run = config.configOrEmpty();
    if (ConfigInstructions.handles(instruction)) {
      ConfigChange change =
          ConfigInstructions.apply(instruction, run, step.imageEnv(), cmdSetInStage);
      ImageConfig.Builder b = config.toBuilder().config(change.config());
      change.author().ifPresent(b::author);
      change.createdBy().ifPresent(text -> b.addHistory(history(text, false)));
      return withDeclaredArgs(instruction, state.withConfig(b.build()));
    }
    if (instruction instanceof WorkdirInstruction workdir) {
      return workdir(workdir, state);
    }
    if (instruction instanceof CopyInstruction copy) {
      return copy(
          state,
          copy.files(),
          copy.from(),
          copy.chown(),
          copy.chmod(),
          copy.link(),
          copy.parents(),
          copy.excludes(),
          false,
          false,
          null,
          done,
          plan);
    }
    if (instruction instanceof AddInstruction add) {
      return copy(
          state,
          add.files(),
          "",
          add.chown(),
          add.chmod(),
          add.link(),
          add.parents(),
          add.excludes(),
          true,
          add.unpackOption().orElse(true),
          add.checksum(),
          done,
          plan);
    }
    if (instruction instanceof RunInstruction runInstruction) {
      RunStep.Outcome outcome = runStep.run(step, runInstruction, state, ref, done, plan);
      if (outcome.layer().isEmpty()) {
        return state.withConfig(
            config.toBuilder().addHistory(history(outcome.createdBy(), false)).build());
      }
      return addWritten(state, config, outcome.layer().get(), outcome.createdBy());
    }
    throw new UnsupportedOperationException(instruction.name() + " cannot be executed");
  }

  /**
   * {@code state} with the names an ARG declares in scope, which RUN's history text lists. The
   * config does not record them, so a cached ARG step needs this as much as an executed one.
   */
  static StageState withDeclaredArgs(Instruction instruction, StageState state) {
    if (instruction instanceof dev.kiln.dockerfile.instructions.ArgInstruction arg) {
      return state.withArgs(arg.args().stream().map(a -> a.key()).toList());
    }
    return state;
  }

  private StageState workdir(WorkdirInstruction instruction, StageState state) throws IOException {
    ImageConfig config = state.config();
    ContainerConfig run = config.configOrEmpty();
    String current =
        run.workingDir() == null || run.workingDir().isEmpty() ? "/" : run.workingDir();
    String path = instruction.path();
    String wd = "/" + LayerPath.normalize(path.startsWith("/") ? path : current + "/" + path);
    ContainerConfig changed = run.toBuilder().workingDir(wd).build();
    String text = "WORKDIR " + wd;
    if (wd.equals("/")) {
      return state.withConfig(
          config.toBuilder().config(changed).addHistory(history(text, false)).build());
    }
    StackView rootfs = state.rootfs();
    String resolved = rootfs.resolve(wd, true);
    Optional<StackView.Node> existing = rootfs.get(resolved);
    if (existing.isPresent() && existing.get().type() == EntryType.DIRECTORY) {
      // mkdir -p of an existing directory changes nothing: BuildKit exports no layer for it.
      return state.withConfig(
          config.toBuilder().config(changed).addHistory(history(text, false)).build());
    }
    Owner owner =
        run.user() == null || run.user().isEmpty()
            ? Owner.ROOT
            : Owner.resolve(
                run.user(), userFile(rootfs, "etc/passwd"), userFile(rootfs, "etc/group"));
    LayerTree tree = new LayerTree();
    List<String> chain = new ArrayList<>();
    for (String p = resolved; !p.isEmpty(); p = LayerPath.parent(p)) {
      chain.add(0, p);
    }
    for (String p : chain) {
      Optional<StackView.Node> node = rootfs.get(p);
      if (node.isPresent() && node.get().type() == EntryType.DIRECTORY) {
        StackView.Node n = node.get();
        tree.add(LayerEntry.directory(p, n.mode(), n.uid(), n.gid(), n.mtime()));
      } else {
        tree.add(LayerEntry.directory(p, 0755, owner.uid(), owner.gid(), scope.createdSeconds()));
      }
    }
    ImageConfig next = config.toBuilder().config(changed).build();
    return addLayer(state, next, tree, text);
  }

  private StageState copy(
      StageState state,
      SourcesAndDest files,
      String from,
      String chown,
      FileModeSpec chmod,
      boolean link,
      boolean parents,
      List<String> excludes,
      boolean add,
      boolean unpack,
      String checksum,
      Map<Integer, StageResult> done,
      BuildPlan plan)
      throws IOException, CopyFailure {
    if (parents && add) {
      throw new CopyFailure(
          (add ? "ADD" : "COPY") + " --parents is not supported by kiln yet",
          "copy each directory with its own " + (add ? "ADD" : "COPY") + " instruction");
    }
    ContainerConfig run = state.config().configOrEmpty();
    StackView rootfs = state.rootfs();
    Optional<Owner> owner = Optional.empty();
    if (chown != null && !chown.isEmpty()) {
      try {
        owner =
            Optional.of(
                Owner.resolve(
                    chown, userFile(rootfs, "etc/passwd"), userFile(rootfs, "etc/group")));
      } catch (IllegalArgumentException e) {
        throw new CopyFailure(
            e.getMessage(),
            "use numeric ids (--chown=1000:1000) or add the user to the image first");
      }
    }
    Path spool = scope.spool().resolve("copy-" + spoolCounter.incrementAndGet());
    List<String> localSources = new ArrayList<>();
    List<SourceContent> heredocs = new ArrayList<>(files.sourceContents());
    SourceTree tree;
    if (add && files.sourcePaths().stream().anyMatch(CopySources::isUrl)) {
      tree = sources.downloads(files.sourcePaths(), checksum, spool, localSources);
    } else {
      localSources.addAll(files.sourcePaths());
      tree = sources.treeFor(from, localSources, done, plan, spool);
    }
    String workdir =
        run.workingDir() == null || run.workingDir().isEmpty() ? "/" : run.workingDir();
    CopyRequest request =
        new CopyRequest(
            add ? "ADD" : "COPY",
            localSources,
            heredocs,
            files.destPath(),
            workdir,
            tree,
            link ? Optional.empty() : Optional.of(rootfs),
            owner,
            Optional.ofNullable(chmod),
            add && unpack && !files.sourcePaths().stream().anyMatch(CopySources::isUrl),
            excludes,
            scope.createdSeconds(),
            parents);
    LayerTree entries =
        new CopyPlanner(request, new ArchiveUnpacker(spool.resolve("archives"))).plan();
    StringBuilder text = new StringBuilder(add ? "ADD" : "COPY");
    if (parents) {
      text.append(" --parents");
    }
    if (chown != null && !chown.isEmpty()) {
      text.append(" --chown=").append(chown);
    }
    if (chmod != null) {
      text.append(" --chmod=").append(chmod.text());
    }
    for (String src : files.sourcePaths()) {
      text.append(' ').append(src);
    }
    for (SourceContent doc : files.sourceContents()) {
      text.append(" <<").append(doc.path());
    }
    text.append(' ').append(files.destPath()).append(" # buildkit");
    return addLayer(state, state.config(), entries, text.toString());
  }

  /** {@code /etc/passwd} or {@code /etc/group} of the stage, for user and group names. */
  static Optional<byte[]> userFile(StackView rootfs, String path) throws IOException {
    return rootfs.readFile(path, 4 * 1024 * 1024);
  }

  private StageState addLayer(
      StageState state, ImageConfig config, LayerTree tree, String createdBy) throws IOException {
    WrittenLayer written = new LayerWriter(scope.store(), scope.layerOptions()).write(tree);
    return addWritten(state, config, written, createdBy);
  }

  private StageState addWritten(
      StageState state, ImageConfig config, WrittenLayer written, String createdBy)
      throws IOException {
    if (written.contents() != null) {
      // The next step that needs a path of this stage finds the layer indexed, without reading it.
      scope.views().indexes().put(written.diffId(), LayerIndex.of(written.contents()));
    }
    Descriptor blob = Descriptor.of(written.mediaType(), written.digest(), written.size());
    LayerRef layer = new LayerRef(blob, written.diffId(), written.uncompressedSize());
    ImageConfig next =
        config.toBuilder().addLayer(written.diffId(), history(createdBy, true)).build();
    return state.withLayer(next, layer);
  }

  private History history(String createdBy, boolean withLayer) {
    return new History(
        scope.created(),
        createdBy,
        null,
        "buildkit.dockerfile.v0",
        withLayer ? null : Boolean.TRUE,
        null);
  }
}
