package dev.kiln.core.engine;

import dev.kiln.core.checksum.TreeChecksummer;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Stage;
import java.io.IOException;
import java.util.List;

/**
 * Starts checksumming the whole build context on a thread of its own when a stage the target needs
 * copies all of it ({@code COPY . .}), so that the hashing overlaps the resolution of the bases and
 * the steps before; the step's key then takes the checksum the {@link TreeChecksummer} keeps, or
 * waits for the one under way. A failure here is dropped: the step computes the checksum again and
 * reports it as it always did.
 */
final class EarlyContextChecksum {
  private EarlyContextChecksum() {}

  /** Starts the checksum of {@code context} if {@code plan} copies the whole of it. */
  static void startIfWholeCopied(BuildPlan plan, TreeChecksummer context) {
    if (!copiesWholeContext(plan)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                context.checksum("");
              } catch (IOException | RuntimeException e) {
                // The step that needs it checksums again and says what went wrong.
              }
            },
            "kiln-context-checksum");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Whether a stage the target needs has a COPY or ADD from the build context whose source, as
   * written, is its root ({@code .}, {@code ./} or {@code /}). Sources with variables are not
   * expanded here: they are only a missed head start.
   */
  static boolean copiesWholeContext(BuildPlan plan) {
    for (Stage stage : plan.executionOrder()) {
      for (Instruction i : stage.instructions()) {
        List<String> sources;
        if (i instanceof CopyInstruction copy && copy.from().isEmpty()) {
          sources = copy.files().sourcePaths();
        } else if (i instanceof AddInstruction add) {
          sources = add.files().sourcePaths();
        } else {
          continue;
        }
        for (String source : sources) {
          if (source.indexOf('$') < 0 && LayerPath.normalize(source).isEmpty()) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
