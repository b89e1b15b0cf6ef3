package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.Failures;
import dev.kiln.api.event.StepRef;
import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.parser.SourceRange;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A step that failed, with the Dockerfile range it came from so the error can quote the line.
 * {@link Engine} turns it into a {@link BuildFailure} of the right kind.
 */
final class StepFailure extends Exception {
  private final StepRef step;
  private final SourceRange range;
  private final String hint;
  private final BuildFailure.Kind kind;
  private String detail;

  private StepFailure(
      StepRef step,
      SourceRange range,
      String message,
      String hint,
      BuildFailure.Kind kind,
      Throwable cause) {
    super(message, cause);
    this.step = step;
    this.range = range;
    this.hint = hint;
    this.kind = kind;
  }

  static StepFailure of(StepRef step, Instruction instruction, String message, String hint) {
    return new StepFailure(step, instruction.range(), message, hint, BuildFailure.Kind.STEP, null);
  }

  static StepFailure of(StepRef step, Instruction instruction, Throwable cause) {
    if (cause instanceof java.io.UncheckedIOException u
        && u.getCause() instanceof dev.kiln.core.layer.DiffIdMismatchException forged) {
      cause = forged; // a stack view reading a forged layer for the step: say it as it is
    }
    BuildFailure.Kind kind =
        cause instanceof RegistryException ? BuildFailure.Kind.REGISTRY : BuildFailure.Kind.STEP;
    String hint = null;
    if (cause instanceof RegistryException r) {
      hint = Failures.hint(r);
    } else if (cause instanceof dev.kiln.core.image.ImageNotFoundException nf) {
      hint = nf.hint();
    } else if (cause instanceof dev.kiln.core.step.SourceFileException unusable) {
      hint = unusable.hint();
    } else if (cause instanceof dev.kiln.core.sandbox.EmulationUnavailableException emulation) {
      hint = emulation.hint();
    } else if (cause instanceof dev.kiln.core.layer.DiffIdMismatchException forged) {
      hint = forged.hint();
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new StepFailure(step, instruction.range(), message, hint, kind, cause);
  }

  /**
   * This failure as the full disk it is, when its cause is one: the kind becomes {@link
   * BuildFailure.Kind#FILE_SYSTEM} and the message names the path, {@code storeRoot} when the
   * system named none (a step writes its layers, snapshots and spool into kiln's store).
   */
  StepFailure onFullDisk(Path storeRoot) {
    if (!(getCause() instanceof IOException io) || !FileSystemFailures.isDiskFull(io)) {
      return this;
    }
    if (!(FileSystemFailures.within(storeRoot, io) instanceof FileSystemException f)) {
      return this;
    }
    StepFailure located =
        new StepFailure(
            step,
            range,
            FileSystemFailures.describe(f),
            FileSystemFailures.hint(f),
            BuildFailure.Kind.FILE_SYSTEM,
            f);
    located.detail = detail;
    return located;
  }

  /**
   * This failure naming the platform its step was built for, as a multi-platform build must: {@code
   * linux/arm64: process "…" did not complete successfully}.
   */
  StepFailure forPlatform(String platform) {
    StepFailure named =
        new StepFailure(step, range, platform + ": " + getMessage(), hint, kind, getCause());
    named.detail = detail;
    return named;
  }

  /** This failure with more lines to show after the Dockerfile excerpt (a command's output). */
  StepFailure withDetail(String text) {
    this.detail = text;
    return this;
  }

  String detail() {
    return detail;
  }

  StepRef step() {
    return step;
  }

  SourceRange range() {
    return range;
  }

  String hint() {
    return hint;
  }

  BuildFailure.Kind kind() {
    return kind;
  }
}
