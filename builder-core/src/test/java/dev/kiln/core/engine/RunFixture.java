package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds Dockerfiles with RUN steps through kiln's {@link Engine}, the way the CLI does, with one
 * isolation and one snapshotter, against one content store. Every image is written as an OCI layout
 * so that real tools (umoci, commons-compress) judge it, never kiln's own readers.
 *
 * <p>{@link #installBusybox()} first puts the offline busybox base into the store as {@value
 * #BUSYBOX} ({@code FROM scratch} + {@code ADD rootfs.tar /}, built by kiln itself), so Dockerfiles
 * can start {@code FROM busybox:test}.
 */
final class RunFixture {
  static final String BUSYBOX = "busybox:test";

  private final Path work;
  private final Path cacheDir;
  private final String isolation;
  private final String snapshotter;
  private final List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());
  private int counter;

  RunFixture(Path work, String isolation, String snapshotter) {
    this.work = work;
    this.cacheDir = work.resolve("cache");
    this.isolation = isolation;
    this.snapshotter = snapshotter;
  }

  Path cacheDir() {
    return cacheDir;
  }

  String isolation() {
    return isolation;
  }

  String snapshotter() {
    return snapshotter;
  }

  /** Every event of the last build. */
  List<BuildEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Lines the steps of the last build printed, stdout and stderr. */
  List<String> output() {
    return events().stream()
        .filter(e -> e instanceof BuildEvent.StepOutput)
        .map(e -> ((BuildEvent.StepOutput) e).line())
        .toList();
  }

  /** The notes of the last build (which isolation and snapshotter RUN used). */
  List<String> notes() {
    return events().stream()
        .filter(e -> e instanceof BuildEvent.Note)
        .map(e -> ((BuildEvent.Note) e).message())
        .toList();
  }

  /** A fresh directory under the fixture's work directory. */
  Path newDir(String hint) {
    try {
      return Files.createDirectories(work.resolve(hint + "-" + (++counter)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh build context holding {@code Dockerfile} and {@code files} (relative path → text). */
  Path context(String dockerfile, Map<String, String> files) {
    Path dir = newDir("ctx");
    try {
      Files.writeString(dir.resolve("Dockerfile"), dockerfile, StandardCharsets.UTF_8);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = dir.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** Builds {@value #BUSYBOX} into the store. */
  void installBusybox() throws BuildFailure {
    installBusybox(b -> {});
  }

  /**
   * Builds {@value #BUSYBOX} into the store and also writes it, tagged {@code image}, as an OCI
   * layout at {@code layout} (for other tools to import the same base).
   */
  void installBusybox(Path layout) throws BuildFailure {
    installBusybox(b -> b.output(OutputSpecParser.parse("type=oci,tar=false,dest=" + layout)));
  }

  private void installBusybox(Consumer<BuildRequest.Builder> more) throws BuildFailure {
    Path ctx = context("FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/sh\"]\n", Map.of());
    try {
      Files.copy(BusyboxRootfs.tar(), ctx.resolve("rootfs.tar"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    request(
        ctx,
        b -> {
          b.tag(BUSYBOX).output(OutputSpecParser.parse("type=image"));
          more.accept(b);
        });
  }

  /** Builds {@code dockerfile} (no other context files) into an OCI layout. */
  RunImage build(String dockerfile) throws BuildFailure {
    return build(context(dockerfile, Map.of()), b -> {});
  }

  /** Builds the context {@code ctx} with the request {@code options} into an OCI layout. */
  RunImage build(Path ctx, Consumer<BuildRequest.Builder> options) throws BuildFailure {
    Path layout = newDir("layout");
    BuildResult result =
        request(
            ctx,
            b -> {
              b.tag("kiln.test/run:image");
              b.output(OutputSpecParser.parse("type=oci,tar=false,dest=" + layout));
              options.accept(b);
            });
    return new RunImage(layout, "image", result, this::newDir);
  }

  /** Runs one build of {@code ctx} with this fixture's isolation, snapshotter and store. */
  BuildResult request(Path ctx, Consumer<BuildRequest.Builder> options) throws BuildFailure {
    BuildRequest.Builder b =
        BuildRequest.builder(ctx)
            .cacheDir(cacheDir)
            .isolation(isolation)
            .snapshotter(snapshotter)
            .debug(true); // every build says its notes, which tests read
    options.accept(b);
    events.clear();
    return new Engine().build(b.build(), events::add);
  }
}
