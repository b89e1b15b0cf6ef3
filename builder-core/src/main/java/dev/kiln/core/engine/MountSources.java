package dev.kiln.core.engine;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ExtractOptions;
import dev.kiln.core.layer.LayerExtractor;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.VerifiedTar;
import dev.kiln.core.sandbox.HostIdentity;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The files a {@code RUN --mount} binds, as {@link Sources} resolved its {@code from=}: a directory
 * of the user's (the context or a named one), used in place, or a stage's or an image's layers,
 * unpacked when a step needs them.
 */
final class MountSources {
  private MountSources() {}

  /** The files behind one {@code from=}. */
  sealed interface Source {
    /** Says which files these are, for naming what is derived from them (a seeded cache). */
    String identity();

    /** What the user calls it in messages. */
    String description();

    /**
     * A directory of the user's (the context or a named one): a step must never write to it, and
     * never see what {@code ignore} (the context's {@code .dockerignore}) excludes.
     */
    record Directory(Path dir, String description, PatternMatcher ignore) implements Source {
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
          // What is unpacked may seed a cache mount named by the layers' diffIDs: the bytes must
          // have them, or a forged image would fill an honest image's seeded cache.
          try (VerifiedTar tar =
                  VerifiedTar.open(
                      blobs.open(layer.blob()),
                      blobs.imageName(),
                      layer.blob().digest(),
                      layer.diffId());
              LayerReader reader = LayerReader.ofTar(tar)) {
            extractor.extract(reader);
            tar.verify();
          }
        }
      }
    }
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
