package dev.kiln.core.build;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.image.StoreFirstBlobSource;
import dev.kiln.core.layer.ExtractOptions;
import dev.kiln.core.layer.LayerExtractor;
import dev.kiln.core.request.NamedContext;
import dev.kiln.core.sandbox.HostIdentity;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code from=} of a {@code RUN --mount} names: the build context (no {@code from}), a
 * {@code --build-context} directory, a stage of the Dockerfile or an image. A directory is used in
 * place; a stage or an image is a list of layers, unpacked when a step needs its files.
 */
final class MountSources {
  private final BuildScope scope;

  MountSources(BuildScope scope) {
    this.scope = scope;
  }

  /** The files behind one {@code from=}. */
  sealed interface Source {
    /** Says which files these are, for naming what is derived from them (a seeded cache). */
    String identity();

    /** What the user calls it in messages. */
    String description();

    /** A directory of the user's (the context or a named one): a step must never write to it. */
    record Directory(Path dir, String description) implements Source {
      @Override
      public String identity() {
        return "dir:" + dir.toAbsolutePath().normalize();
      }
    }

    /** A stage's or an image's layers. */
    record Layers(List<LayerRef> layers, BlobSource blobs, String description) implements Source {
      @Override
      public String identity() {
        StringBuilder b = new StringBuilder("layers");
        for (LayerRef layer : layers) {
          b.append(':').append(layer.diffId());
        }
        return b.toString();
      }

      /** Unpacks the layers, in order, into {@code dir}. */
      void unpackInto(Path dir) throws IOException {
        LayerExtractor extractor =
            new LayerExtractor(
                dir,
                HostIdentity.current().isRoot()
                    ? ExtractOptions.full()
                    : ExtractOptions.unprivileged());
        for (LayerRef layer : layers) {
          try (InputStream blob = blobs.open(layer.blob())) {
            extractor.extract(blob);
          }
        }
      }
    }
  }

  Source resolve(String from, Map<Integer, StageResult> done, BuildPlan plan) throws IOException {
    if (from == null || from.isEmpty()) {
      return new Source.Directory(scope.request().context(), "the build context");
    }
    NamedContext named = scope.request().buildContexts().get(from);
    if (named instanceof NamedContext.Directory d) {
      return new Source.Directory(d.dir(), "build context " + from);
    }
    Optional<Stage> stage =
        from.chars().allMatch(Character::isDigit)
            ? Optional.of(plan.stage(Integer.parseInt(from)))
            : plan.stage(from);
    if (stage.isPresent()) {
      StageResult result = done.get(stage.get().index());
      return new Source.Layers(
          result.state().layers(), result.state().blobs(), "stage " + stage.get().displayName());
    }
    String reference = named != null ? StageRunner.contextReference(named, from) : from;
    BaseImages.Base base = scope.baseImages().resolve(reference, scope.targetPlatform());
    var diffIds = base.image().config().diffIds();
    List<LayerRef> layers = new ArrayList<>();
    for (int i = 0; i < base.image().manifest().layers().size(); i++) {
      var blob = base.image().manifest().layers().get(i);
      layers.add(new LayerRef(blob, i < diffIds.size() ? diffIds.get(i) : blob.digest()));
    }
    return new Source.Layers(
        layers, new StoreFirstBlobSource(scope.store(), base.image().blobs()), "image " + from);
  }

  /**
   * Copies {@code path} (a file or a directory, with owners, modes and times) to {@code target},
   * which must not exist yet.
   */
  static void copy(Path path, Path target) throws IOException {
    HostCommand.of("cp", "-a", "--no-target-directory", path.toString(), target.toString())
        .run()
        .requireSuccess("copy " + path + " for a RUN --mount");
  }

  /** A short, file-name-safe digest of {@code text}. */
  static String shortDigest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
