package dev.kiln.core.build;

import dev.kiln.core.event.StepRef;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.parser.SourceRange;
import dev.kiln.registry.transport.RegistryException;

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
    BuildFailure.Kind kind =
        cause instanceof RegistryException ? BuildFailure.Kind.REGISTRY : BuildFailure.Kind.STEP;
    String hint = null;
    if (cause instanceof dev.kiln.core.image.ImageNotFoundException nf) {
      hint = nf.hint();
    } else if (cause instanceof dev.kiln.core.step.SourceFileException unusable) {
      hint = unusable.hint();
    }
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new StepFailure(step, instruction.range(), message, hint, kind, cause);
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
