package dev.kiln.core.step;

import dev.kiln.dockerfile.instructions.ArgDeclaration;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.CmdInstruction;
import dev.kiln.dockerfile.instructions.CommandLine;
import dev.kiln.dockerfile.instructions.EntrypointInstruction;
import dev.kiln.dockerfile.instructions.EnvInstruction;
import dev.kiln.dockerfile.instructions.ExposeInstruction;
import dev.kiln.dockerfile.instructions.HealthConfig;
import dev.kiln.dockerfile.instructions.HealthcheckInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.KeyValue;
import dev.kiln.dockerfile.instructions.LabelInstruction;
import dev.kiln.dockerfile.instructions.MaintainerInstruction;
import dev.kiln.dockerfile.instructions.OnbuildInstruction;
import dev.kiln.dockerfile.instructions.ShellInstruction;
import dev.kiln.dockerfile.instructions.StopSignalInstruction;
import dev.kiln.dockerfile.instructions.UserInstruction;
import dev.kiln.dockerfile.instructions.VolumeInstruction;
import dev.kiln.dockerfile.parser.GoText;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.HealthCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The instructions that only change the image config, as pure functions from the config before to
 * the config after (as ggcr's {@code mutate} does), with BuildKit's semantics and BuildKit's
 * history text, so {@code docker history} reads the same for a kiln image.
 */
public final class ConfigInstructions {
  private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");

  private ConfigInstructions() {}

  /**
   * Applies {@code instruction} (already expanded) to {@code config}.
   *
   * @param imageEnv the config Env after this instruction, as the frontend's dispatch computed it
   * @param cmdSetInStage whether an earlier CMD of this stage set Cmd (ENTRYPOINT clears an
   *     inherited Cmd, not one the stage set itself)
   */
  public static ConfigChange apply(
      Instruction instruction,
      ContainerConfig config,
      List<String> imageEnv,
      boolean cmdSetInStage) {
    ContainerConfig.Builder b = config.toBuilder();
    if (instruction instanceof EnvInstruction env) {
      b.env(imageEnv);
      return change(b, "ENV " + pairs(env.pairs()));
    }
    if (instruction instanceof ArgInstruction arg) {
      List<String> parts = new ArrayList<>();
      for (ArgDeclaration d : arg.args()) {
        parts.add(d.defaultValue() == null ? d.key() : d.key() + "=" + d.defaultValue());
      }
      return change(b, "ARG " + String.join(" ", parts));
    }
    if (instruction instanceof LabelInstruction label) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (config.labels() != null) {
        labels.putAll(config.labels());
      }
      for (KeyValue kv : label.labels()) {
        labels.put(kv.key(), kv.value());
      }
      b.labels(labels);
      return change(b, "LABEL " + pairs(label.labels()));
    }
    if (instruction instanceof ExposeInstruction expose) {
      List<String> ports = new ArrayList<>();
      if (config.exposedPorts() != null) {
        ports.addAll(config.exposedPorts());
      }
      List<String> added = expose.portKeys();
      ports.addAll(added);
      b.exposedPorts(ports);
      return change(b, "EXPOSE [" + String.join(" ", added) + "]");
    }
    if (instruction instanceof VolumeInstruction volume) {
      List<String> volumes = new ArrayList<>();
      if (config.volumes() != null) {
        volumes.addAll(config.volumes());
      }
      volumes.addAll(volume.volumes());
      b.volumes(volumes);
      return change(b, "VOLUME [" + String.join(" ", volume.volumes()) + "]");
    }
    if (instruction instanceof UserInstruction user) {
      b.user(user.user());
      return change(b, "USER " + user.user());
    }
    if (instruction instanceof CmdInstruction cmd) {
      List<String> args = withShell(config, cmd.command());
      b.cmd(args);
      b.argsEscaped(true);
      return change(b, "CMD " + goQuoteList(args));
    }
    if (instruction instanceof EntrypointInstruction entrypoint) {
      List<String> args = withShell(config, entrypoint.command());
      b.entrypoint(args);
      if (!cmdSetInStage) {
        b.cmd(null);
      }
      return change(b, "ENTRYPOINT " + goQuoteList(args));
    }
    if (instruction instanceof ShellInstruction shell) {
      b.shell(shell.shell());
      return change(b, "SHELL [" + String.join(" ", shell.shell()) + "]");
    }
    if (instruction instanceof StopSignalInstruction stop) {
      b.stopSignal(stop.signal());
      return change(b, "STOPSIGNAL " + stop.signal());
    }
    if (instruction instanceof HealthcheckInstruction health) {
      b.healthcheck(healthCheck(health.health()));
      return change(b, health.health().historyText());
    }
    if (instruction instanceof OnbuildInstruction onbuild) {
      List<String> triggers = new ArrayList<>();
      if (config.onBuild() != null) {
        triggers.addAll(config.onBuild());
      }
      triggers.add(onbuild.expression());
      b.onBuild(triggers);
      return new ConfigChange(b.build(), Optional.empty(), Optional.empty());
    }
    if (instruction instanceof MaintainerInstruction maintainer) {
      return new ConfigChange(
          config,
          Optional.of("MAINTAINER " + maintainer.maintainer()),
          Optional.of(maintainer.maintainer()));
    }
    throw new IllegalArgumentException(instruction.name() + " does not only change the config");
  }

  /** Shell form runs through the stage's SHELL (default {@code /bin/sh -c}), as one string. */
  public static List<String> withShell(ContainerConfig config, CommandLine command) {
    if (!command.prependShell()) {
      return command.args();
    }
    List<String> shell =
        config.shell() == null || config.shell().isEmpty() ? DEFAULT_SHELL : config.shell();
    List<String> args = new ArrayList<>(shell);
    args.add(String.join(" ", command.args()));
    return args;
  }

  private static HealthCheck healthCheck(HealthConfig h) {
    return new HealthCheck(
        h.test(),
        nanos(h.interval()),
        nanos(h.timeout()),
        nanos(h.startPeriod()),
        nanos(h.startInterval()),
        h.retries() == 0 ? null : h.retries(),
        null);
  }

  private static Long nanos(Duration d) {
    return d == null || d.isZero() ? null : d.toNanos();
  }

  private static String pairs(List<KeyValue> pairs) {
    return pairs.stream().map(KeyValue::toString).collect(Collectors.joining(" "));
  }

  /** Go's {@code fmt.Sprintf("%q", []string{…})}: {@code ["a" "b"]}. */
  static String goQuoteList(List<String> values) {
    return values.stream().map(GoText::quote).collect(Collectors.joining(" ", "[", "]"));
  }

  private static ConfigChange change(ContainerConfig.Builder b, String createdBy) {
    return new ConfigChange(b.build(), Optional.of(createdBy), Optional.empty());
  }
}
