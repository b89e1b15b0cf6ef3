package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} object of an image config: how a container from this image runs. Carries every
 * field of Docker's container config (a superset of the OCI one); null means the field is absent.
 * Unknown fields are kept in {@link #extra()}.
 *
 * <p>Many fields are optional, so changes go through {@link #toBuilder()}.
 *
 * @param exposedPorts port specs like {@code 80/tcp}, sorted
 * @param volumes mount points, sorted
 * @param argsEscaped Windows only (deprecated in OCI 1.1), kept for round trips
 * @param stopTimeout seconds
 */
public record ContainerConfig(
    String hostname,
    String domainname,
    String user,
    Boolean attachStdin,
    Boolean attachStdout,
    Boolean attachStderr,
    List<String> exposedPorts,
    Boolean tty,
    Boolean openStdin,
    Boolean stdinOnce,
    List<String> env,
    List<String> cmd,
    HealthCheck healthcheck,
    Boolean argsEscaped,
    String image,
    List<String> volumes,
    String workingDir,
    List<String> entrypoint,
    Boolean networkDisabled,
    String macAddress,
    List<String> onBuild,
    Map<String, String> labels,
    String stopSignal,
    Integer stopTimeout,
    List<String> shell,
    Map<String, JsonNode> extra) {

  public ContainerConfig {
    exposedPorts = exposedPorts == null ? null : exposedPorts.stream().sorted().distinct().toList();
    volumes = volumes == null ? null : volumes.stream().sorted().distinct().toList();
    env = env == null ? null : List.copyOf(env);
    cmd = cmd == null ? null : List.copyOf(cmd);
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    onBuild = onBuild == null ? null : List.copyOf(onBuild);
    shell = shell == null ? null : List.copyOf(shell);
    labels = labels == null ? null : Map.copyOf(labels);
    extra = ExtraFields.freeze(extra);
  }

  /** A config with no field set. */
  public static ContainerConfig empty() {
    return new Builder().build();
  }

  /**
   * The value of environment variable {@code name} in {@link #env()} ({@code NAME=value}), or null.
   */
  public String envValue(String name) {
    if (env == null) {
      return null;
    }
    String prefix = name + "=";
    for (String e : env) {
      if (e.startsWith(prefix)) {
        return e.substring(prefix.length());
      }
    }
    return null;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable, single-use builder; {@link #build()} returns an immutable config. */
  public static final class Builder {
    private String hostname;
    private String domainname;
    private String user;
    private Boolean attachStdin;
    private Boolean attachStdout;
    private Boolean attachStderr;
    private List<String> exposedPorts;
    private Boolean tty;
    private Boolean openStdin;
    private Boolean stdinOnce;
    private List<String> env;
    private List<String> cmd;
    private HealthCheck healthcheck;
    private Boolean argsEscaped;
    private String image;
    private List<String> volumes;
    private String workingDir;
    private List<String> entrypoint;
    private Boolean networkDisabled;
    private String macAddress;
    private List<String> onBuild;
    private Map<String, String> labels;
    private String stopSignal;
    private Integer stopTimeout;
    private List<String> shell;
    private Map<String, JsonNode> extra = Map.of();

    public Builder() {}

    private Builder(ContainerConfig c) {
      hostname = c.hostname;
      domainname = c.domainname;
      user = c.user;
      attachStdin = c.attachStdin;
      attachStdout = c.attachStdout;
      attachStderr = c.attachStderr;
      exposedPorts = c.exposedPorts;
      tty = c.tty;
      openStdin = c.openStdin;
      stdinOnce = c.stdinOnce;
      env = c.env;
      cmd = c.cmd;
      healthcheck = c.healthcheck;
      argsEscaped = c.argsEscaped;
      image = c.image;
      volumes = c.volumes;
      workingDir = c.workingDir;
      entrypoint = c.entrypoint;
      networkDisabled = c.networkDisabled;
      macAddress = c.macAddress;
      onBuild = c.onBuild;
      labels = c.labels;
      stopSignal = c.stopSignal;
      stopTimeout = c.stopTimeout;
      shell = c.shell;
      extra = c.extra;
    }

    public Builder hostname(String v) {
      hostname = v;
      return this;
    }

    public Builder domainname(String v) {
      domainname = v;
      return this;
    }

    public Builder user(String v) {
      user = v;
      return this;
    }

    public Builder attachStdin(Boolean v) {
      attachStdin = v;
      return this;
    }

    public Builder attachStdout(Boolean v) {
      attachStdout = v;
      return this;
    }

    public Builder attachStderr(Boolean v) {
      attachStderr = v;
      return this;
    }

    public Builder exposedPorts(List<String> v) {
      exposedPorts = v;
      return this;
    }

    public Builder tty(Boolean v) {
      tty = v;
      return this;
    }

    public Builder openStdin(Boolean v) {
      openStdin = v;
      return this;
    }

    public Builder stdinOnce(Boolean v) {
      stdinOnce = v;
      return this;
    }

    public Builder env(List<String> v) {
      env = v;
      return this;
    }

    public Builder cmd(List<String> v) {
      cmd = v;
      return this;
    }

    public Builder healthcheck(HealthCheck v) {
      healthcheck = v;
      return this;
    }

    public Builder argsEscaped(Boolean v) {
      argsEscaped = v;
      return this;
    }

    public Builder image(String v) {
      image = v;
      return this;
    }

    public Builder volumes(List<String> v) {
      volumes = v;
      return this;
    }

    public Builder workingDir(String v) {
      workingDir = v;
      return this;
    }

    public Builder entrypoint(List<String> v) {
      entrypoint = v;
      return this;
    }

    public Builder networkDisabled(Boolean v) {
      networkDisabled = v;
      return this;
    }

    public Builder macAddress(String v) {
      macAddress = v;
      return this;
    }

    public Builder onBuild(List<String> v) {
      onBuild = v;
      return this;
    }

    public Builder labels(Map<String, String> v) {
      labels = v;
      return this;
    }

    public Builder stopSignal(String v) {
      stopSignal = v;
      return this;
    }

    public Builder stopTimeout(Integer v) {
      stopTimeout = v;
      return this;
    }

    public Builder shell(List<String> v) {
      shell = v;
      return this;
    }

    public Builder extra(Map<String, JsonNode> v) {
      extra = v;
      return this;
    }

    public ContainerConfig build() {
      return new ContainerConfig(
          hostname,
          domainname,
          user,
          attachStdin,
          attachStdout,
          attachStderr,
          exposedPorts,
          tty,
          openStdin,
          stdinOnce,
          env,
          cmd,
          healthcheck,
          argsEscaped,
          image,
          volumes,
          workingDir,
          entrypoint,
          networkDisabled,
          macAddress,
          onBuild,
          labels,
          stopSignal,
          stopTimeout,
          shell,
          extra);
    }
  }

  static ContainerConfig read(JsonObjectReader r) {
    Builder b = new Builder();
    b.hostname(r.text("Hostname"))
        .domainname(r.text("Domainname"))
        .user(r.text("User"))
        .attachStdin(r.bool("AttachStdin"))
        .attachStdout(r.bool("AttachStdout"))
        .attachStderr(r.bool("AttachStderr"))
        .exposedPorts(r.keySet("ExposedPorts"))
        .tty(r.bool("Tty"))
        .openStdin(r.bool("OpenStdin"))
        .stdinOnce(r.bool("StdinOnce"))
        .env(r.stringList("Env"))
        .cmd(r.stringList("Cmd"));
    JsonObjectReader hc = r.object("Healthcheck");
    b.healthcheck(hc == null ? null : HealthCheck.read(hc))
        .argsEscaped(r.bool("ArgsEscaped"))
        .image(r.text("Image"))
        .volumes(r.keySet("Volumes"))
        .workingDir(r.text("WorkingDir"))
        .entrypoint(r.stringList("Entrypoint"))
        .networkDisabled(r.bool("NetworkDisabled"))
        .macAddress(r.text("MacAddress"))
        .onBuild(r.stringList("OnBuild"))
        .labels(r.stringMap("Labels"))
        .stopSignal(r.text("StopSignal"))
        .stopTimeout(r.intValue("StopTimeout"))
        .shell(r.stringList("Shell"))
        .extra(r.remaining());
    return b.build();
  }

  JsonObjectWriter write() {
    return new JsonObjectWriter()
        .text("Hostname", hostname)
        .text("Domainname", domainname)
        .text("User", user)
        .bool("AttachStdin", attachStdin)
        .bool("AttachStdout", attachStdout)
        .bool("AttachStderr", attachStderr)
        .keySet("ExposedPorts", exposedPorts)
        .bool("Tty", tty)
        .bool("OpenStdin", openStdin)
        .bool("StdinOnce", stdinOnce)
        .stringList("Env", env)
        .stringList("Cmd", cmd)
        .object("Healthcheck", healthcheck == null ? null : healthcheck.write())
        .bool("ArgsEscaped", argsEscaped)
        .text("Image", image)
        .keySet("Volumes", volumes)
        .text("WorkingDir", workingDir)
        .stringList("Entrypoint", entrypoint)
        .bool("NetworkDisabled", networkDisabled)
        .text("MacAddress", macAddress)
        .stringList("OnBuild", onBuild)
        .stringMap("Labels", labels)
        .text("StopSignal", stopSignal)
        .number("StopTimeout", stopTimeout)
        .stringList("Shell", shell)
        .extra(extra);
  }
}
