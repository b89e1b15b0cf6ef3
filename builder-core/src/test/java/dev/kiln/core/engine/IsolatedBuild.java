package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * One build in a process of its own, so that a test can vary what a process cannot change about
 * itself (umask, time zone, locale, working directory): builds the base context into a fresh store
 * as {@code busybox:kiln}, then the app context into an OCI layout, and prints the image digest.
 *
 * <p>Arguments: {@code BASE_CONTEXT APP_CONTEXT CACHE_DIR LAYOUT_DIR EPOCH|-}.
 */
public final class IsolatedBuild {
  private IsolatedBuild() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    Path app = Path.of(args[1]);
    Path cache = Path.of(args[2]);
    Path layout = Path.of(args[3]);
    Long epoch = args[4].equals("-") ? null : Long.parseLong(args[4]);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(args[5])), ZoneOffset.UTC);
    try {
      build(clock, base, cache, epoch, b -> b.tag("busybox:kiln").output(image("type=image")));
      BuildResult result =
          build(
              clock,
              app,
              cache,
              epoch,
              b -> b.output(image("type=oci,tar=false,name=repro:1,dest=" + layout)));
      System.out.println(result.imageDigest().orElseThrow());
    } catch (BuildFailure e) {
      System.err.println(e.getMessage() + "\n" + e.detail().orElse(""));
      e.printStackTrace();
      System.exit(2);
    }
  }

  private static dev.kiln.api.request.OutputSpec image(String spec) {
    return OutputSpecParser.parse(spec);
  }

  private static BuildResult build(
      Clock clock,
      Path context,
      Path cache,
      Long epoch,
      java.util.function.Consumer<BuildRequest.Builder> options)
      throws BuildFailure {
    BuildRequest.Builder b = BuildRequest.builder(context).cacheDir(cache);
    if (epoch != null) {
      b.sourceDateEpoch(epoch);
    }
    options.accept(b);
    return new Engine(clock).build(b.build(), BuildListener.NONE);
  }
}
