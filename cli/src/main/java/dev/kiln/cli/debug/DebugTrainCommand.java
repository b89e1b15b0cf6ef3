package dev.kiln.cli.debug;

import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.Main;
import dev.kiln.registry.config.ConfigLocations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln debug train DIR}: the workload a class-data archive of kiln is recorded from (the
 * {@code ./kiln} launcher's AppCDS archive, the release's AOT cache). Start-up is a large part of a
 * no-change rebuild, and classes that are not in the archive are parsed and verified on every run;
 * a training build {@code FROM scratch} left out the whole registry path (HTTP stack, TLS client,
 * registry client), which every build from a registry base loads. So this runs, in one JVM, what CI
 * builds do: a build from a base in a registry ({@link TrainingRegistry}, in-process, since none is
 * at hand where the archive is made), then the same build again hitting the cache in one stage,
 * rebuilding the other and pushing the result, then a no-change rebuild with plain progress output,
 * a {@code kiln push} from the store, a {@code kiln pull} of the image into an empty store and an
 * OCI layout, and a {@code kiln push} of that layout. Each command's own model and code are then in
 * the archive too: since a run builds the model of its command only, a command the training never
 * ran would start cold, and without the pull and push paths (the layout reader and writer) a pull
 * or an unchanged push spent most of its CPU loading classes (bench/NOTES-speed3-transfer.md).
 *
 * <p>Hidden: it exists for the launcher and the release script, and writes only under {@code DIR}.
 */
@Command(
    name = "train",
    hidden = true,
    description = "Run the builds kiln's class-data archive is recorded from (in DIR).")
public final class DebugTrainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "An empty scratch directory.")
  Path work;

  private final CliEnvironment cli;

  public DebugTrainCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException, GeneralSecurityException {
    Path context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("file.txt"), "kiln\n");
    Files.writeString(context.resolve("other.txt"), "training\n");
    try (TrainingRegistry registry = TrainingRegistry.start(work.resolve("tls"))) {
      Files.writeString(context.resolve("Dockerfile"), dockerfile(registry.host()));
      CliEnvironment isolated = isolatedFrom(registry);
      String cache = work.resolve("cache").toString();
      int first =
          Main.run(
              isolated,
              "build",
              "-q",
              "--cache-dir",
              cache,
              "-t",
              "kiln-train:1",
              "-o",
              "type=oci,dest=" + work.resolve("out.tar"),
              context.toString());
      if (first != 0) {
        return first;
      }
      int second =
          Main.run(
              isolated,
              "build",
              "-q",
              "--cache-dir",
              cache,
              "--no-cache-filter",
              "final",
              "--push",
              "-t",
              registry.host() + "/kiln/train-out:1",
              context.toString());
      if (second != 0) {
        return second;
      }
      if (!registry.hasManifest("kiln/train-out", "1")) {
        cli.stderr().println("kiln debug train: the training build pushed no image");
        return 4;
      }
      // The no-change rebuild, with the progress lines a build without -q prints off a terminal:
      // they are kept and shown only if it fails, so that the training's output stays the results.
      ByteArrayOutputStream progress = new ByteArrayOutputStream();
      int third =
          Main.run(
              withStderr(isolated, new PrintStream(progress, true, StandardCharsets.UTF_8)),
              "build",
              "--progress=plain",
              "--cache-dir",
              cache,
              "-t",
              "kiln-train:1",
              context.toString());
      if (third != 0) {
        cli.stderr().print(progress.toString(StandardCharsets.UTF_8));
        return third;
      }
      // kiln push and kiln pull: their own commands and the store-to-registry and
      // registry-to-store paths, which a build's --push and FROM do not take.
      String pushed = registry.host() + "/kiln/train-push:1";
      int push = Main.run(isolated, "push", "-q", "--cache-dir", cache, "kiln-train:1", pushed);
      if (push != 0) {
        return push;
      }
      if (!registry.hasManifest("kiln/train-push", "1")) {
        cli.stderr().println("kiln debug train: kiln push pushed no image");
        return 4;
      }
      String pulled = work.resolve("pulled").toString();
      int pull =
          Main.run(
              isolated,
              "pull",
              "-q",
              "--cache-dir",
              work.resolve("pull-cache").toString(),
              "-o",
              "type=oci,tar=false,dest=" + pulled,
              registry.host() + "/kiln/train-out:1");
      if (pull != 0) {
        return pull;
      }
      int layoutPush =
          Main.run(
              isolated,
              "push",
              "-q",
              "--cache-dir",
              cache,
              "oci-layout://" + pulled + ":1",
              registry.host() + "/kiln/train-copy:1");
      if (layoutPush != 0) {
        return layoutPush;
      }
      if (!registry.hasManifest("kiln/train-copy", "1")) {
        cli.stderr().println("kiln debug train: the training push sent no image");
        return 4;
      }
      return 0;
    }
  }

  private static CliEnvironment withStderr(CliEnvironment cli, PrintStream stderr) {
    return new CliEnvironment(
        cli.stdin(), cli.stdout(), stderr, cli.env(), false, cli.engine(), cli.interrupted());
  }

  /**
   * kiln's environment with a home, Docker and podman directories of the training's own, so that
   * the machine's registry settings (mirrors, proxies, credentials) stay out of it, and where
   * kiln's {@code certs.d} trusts the training registry's certificate, as a user's would trust a
   * private registry's.
   */
  private CliEnvironment isolatedFrom(TrainingRegistry registry)
      throws IOException, GeneralSecurityException {
    Path home = work.resolve("home");
    Path certs =
        Files.createDirectories(home.resolve(".config/kiln/certs.d").resolve(registry.host()));
    Files.writeString(certs.resolve("ca.crt"), registry.certificatePem());
    Map<String, String> env = new HashMap<>();
    for (Map.Entry<String, String> e : cli.env().entrySet()) {
      String name = e.getKey().toUpperCase(Locale.ROOT);
      if (!name.endsWith("_PROXY") && !name.startsWith("DOCKER_") && !name.startsWith("KILN_")) {
        env.put(e.getKey(), e.getValue());
      }
    }
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", home.resolve(".docker").toString());
    env.put(ConfigLocations.ETC_DOCKER_VARIABLE, work.resolve("etc-docker").toString());
    env.put(ConfigLocations.ETC_CONTAINERS_VARIABLE, work.resolve("etc-containers").toString());
    env.remove(ConfigLocations.REGISTRIES_CONF_VARIABLE);
    return new CliEnvironment(
        cli.stdin(),
        cli.stdout(),
        cli.stderr(),
        Map.copyOf(env),
        cli.stderrIsTerminal(),
        cli.engine(),
        cli.interrupted());
  }

  /** A base stage from the registry with the config steps and COPY, then a second stage. */
  static String dockerfile(String registryHost) {
    return "FROM "
        + registryHost
        + "/"
        + TrainingRegistry.BASE
        + " AS base\n"
        + "ARG V=1\n"
        + "ENV A=$V\n"
        + "WORKDIR /w\n"
        + "COPY file.txt /w/\n"
        + "USER root\n"
        + "FROM scratch AS final\n"
        + "COPY --from=base /w/ /w/\n"
        + "COPY --from=base /etc/users /etc/\n"
        + "COPY other.txt /w/\n"
        + "USER 1000\n"
        + "CMD [\"/w/file.txt\"]\n";
  }
}
