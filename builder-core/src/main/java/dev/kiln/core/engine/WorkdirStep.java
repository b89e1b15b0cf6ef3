package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.step.Owner;
import dev.kiln.dockerfile.instructions.WorkdirInstruction;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.ImageConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * WORKDIR: sets the working directory (relative to the current one) and, as BuildKit does, creates
 * it when the stage does not have it: a layer with the directory (0755, owned by the stage's USER)
 * and its missing parents, existing ones keeping their metadata. The path is resolved through the
 * stage's symlinks by its {@link StackView}, so no layer is read.
 */
final class WorkdirStep implements Step {
  private final BuildStorage storage;
  private final WriteSettings write;

  WorkdirStep(BuildStorage storage, WriteSettings write) {
    this.storage = storage;
    this.write = write;
  }

  @Override
  public void key(StepInput in, CacheKeyBuilder key) {}

  @Override
  public boolean writesLayers() {
    return true;
  }

  @Override
  public StageState execute(StepInput in) throws IOException {
    WorkdirInstruction instruction = (WorkdirInstruction) in.instruction();
    StageState state = in.state();
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
          config.toBuilder()
              .config(changed)
              .addHistory(StepHistory.entry(write, text, false))
              .build());
    }
    StackView rootfs = state.rootfs();
    String resolved = rootfs.resolve(wd, true);
    Optional<StackView.Node> existing = rootfs.get(resolved);
    if (existing.isPresent() && existing.get().type() == EntryType.DIRECTORY) {
      // mkdir -p of an existing directory changes nothing: BuildKit exports no layer for it.
      return state.withConfig(
          config.toBuilder()
              .config(changed)
              .addHistory(StepHistory.entry(write, text, false))
              .build());
    }
    Owner owner =
        run.user() == null || run.user().isEmpty()
            ? Owner.ROOT
            : Owner.resolve(
                run.user(),
                CopyStep.userFile(rootfs, "etc/passwd"),
                CopyStep.userFile(rootfs, "etc/group"));
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
        tree.add(LayerEntry.directory(p, 0755, owner.uid(), owner.gid(), write.createdSeconds()));
      }
    }
    ImageConfig next = config.toBuilder().config(changed).build();
    return StepHistory.addLayer(storage, write, state, next, tree, text);
  }
}
