package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs kiln's {@link Engine} the way the CLI does, against one content store per test class, and
 * hands the result to real clients: pushed to a fixture registry, then copied with skopeo and
 * unpacked with umoci.
 *
 * <p>{@link #installBusybox()} puts the offline busybox base into the store as {@code busybox:kiln}
 * (built with kiln itself: {@code FROM scratch} + {@code ADD rootfs.tar /}), so Dockerfiles under
 * test can start {@code FROM busybox:kiln}.
 */
final class BuildHarness {
  static final String BUSYBOX = "busybox:kiln";

  private final Path work;
  private final Path cacheDir;
  private int counter;
  private final List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());

  BuildHarness(Path work) {
    this.work = work;
    this.cacheDir = work.resolve("cache");
  }

  Path cacheDir() {
    return cacheDir;
  }

  /** Events of the last build. */
  List<BuildEvent> events() {
    return List.copyOf(events);
  }

  /** A fresh, empty directory under the class's work directory. */
  Path newDir(String hint) {
    try {
      return Files.createDirectories(work.resolve(hint + "-" + (++counter)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh build context. */
  ContextDir context() {
    return new ContextDir(newDir("ctx"));
  }

  /** Builds {@code busybox:kiln} into the store. */
  BuildResult installBusybox() throws Exception {
    ContextDir ctx = context();
    Files.copy(BusyboxRootfs.tar(), ctx.root().resolve("rootfs.tar"));
    ctx.dockerfile("FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/sh\"]\n");
    return build(ctx.root(), b -> b.tag(BUSYBOX).output(OutputSpecParser.parse("type=image")));
  }

  /** Builds {@code context} with the request {@code options} complete. */
  BuildResult build(Path context, Consumer<BuildRequest.Builder> options) throws BuildFailure {
    BuildRequest.Builder b = BuildRequest.builder(context).cacheDir(cacheDir);
    options.accept(b);
    events.clear();
    return new Engine().build(b.build(), events::add);
  }

  /** Builds {@code context} and pushes it to {@code registry} as {@code repositoryAndTag}. */
  BuildResult push(
      LocalRegistry registry,
      Path context,
      String repositoryAndTag,
      Consumer<BuildRequest.Builder> options)
      throws BuildFailure {
    return build(
        context,
        b -> {
          b.tag(registry.reference(repositoryAndTag));
          b.output(OutputSpecParser.parse("type=registry"));
          options.accept(b);
        });
  }

  /** Builds, pushes, and returns the image as skopeo and umoci see it. */
  UnpackedImage pushAndUnpack(
      LocalRegistry registry,
      Path context,
      String repositoryAndTag,
      Consumer<BuildRequest.Builder> options)
      throws BuildFailure {
    push(registry, context, repositoryAndTag, options);
    return ImageInspector.of(registry).unpack(repositoryAndTag, newDir("unpacked"));
  }

  UnpackedImage pushAndUnpack(LocalRegistry registry, Path context, String repositoryAndTag)
      throws BuildFailure {
    return pushAndUnpack(registry, context, repositoryAndTag, b -> {});
  }
}
