package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.dockerfile.parser.DockerfileErrorRenderer;
import dev.kiln.dockerfile.parser.DockerfileException;
import java.util.List;

/**
 * Turns a problem tied to a Dockerfile line into a {@link BuildFailure} whose message starts with
 * {@code Dockerfile:LINE:COL:} and whose detail quotes the line with a caret, using the frontend's
 * renderer so parse errors and step failures look the same.
 */
final class DockerfileFailures {
  private DockerfileFailures() {}

  static BuildFailure of(
      BuildFailure.Kind kind,
      DockerfileException e,
      String fileName,
      byte[] source,
      Throwable cause) {
    String rendered = DockerfileErrorRenderer.render(e, fileName, source);
    List<String> lines = rendered.lines().toList();
    String message = lines.isEmpty() ? e.getMessage() : lines.get(0);
    StringBuilder detail = new StringBuilder();
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).startsWith("hint: ")) {
        detail.append(lines.get(i)).append('\n');
      }
    }
    return new BuildFailure(
        kind,
        message,
        detail.length() == 0 ? null : detail.toString(),
        e.hint().orElse(null),
        cause);
  }

  static BuildFailure of(StepFailure f, String fileName, byte[] source) {
    DockerfileException located =
        new DockerfileException(
            f.getMessage(), f.range() == null ? List.of() : List.of(f.range()), f.hint(), f);
    BuildFailure base =
        of(f.kind(), located, fileName, source, f.getCause() == null ? f : f.getCause());
    if (f.detail() == null) {
      return base;
    }
    String detail = base.detail().orElse("") + "output (last lines):\n" + f.detail().indent(2);
    return new BuildFailure(
        base.kind(), base.getMessage(), detail, base.hint().orElse(null), base.getCause());
  }
}
