package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image config (OCI {@code application/vnd.oci.image.config.v1+json} or Docker's {@code
 * application/vnd.docker.container.image.v1+json}): platform, run-time {@link ContainerConfig},
 * {@link RootFs} and {@link History}, plus the Docker-only top-level fields ({@code parent}, {@code
 * container}, {@code container_config}, {@code docker_version}, {@code comment}).
 *
 * <p>{@link #raw()} holds the exact bytes: {@link #parse} keeps the bytes it was given, so a base
 * image's config passes through kiln with its digest unchanged; every change (through {@link
 * #toBuilder()}) serialises deterministically and keeps unknown fields from {@link #extra()}.
 *
 * @param created RFC 3339 timestamp as written (kept as text so that it round-trips exactly)
 * @param raw the bytes these fields were parsed from; pass null to serialise the fields instead
 */
public record ImageConfig(
    String created,
    String author,
    String architecture,
    String os,
    String osVersion,
    List<String> osFeatures,
    String variant,
    ContainerConfig config,
    RootFs rootfs,
    List<History> history,
    String parent,
    String comment,
    String container,
    ContainerConfig containerConfig,
    String dockerVersion,
    Map<String, JsonNode> extra,
    JsonBytes raw) {

  public ImageConfig {
    osFeatures = osFeatures == null ? null : List.copyOf(osFeatures);
    history = history == null ? null : List.copyOf(history);
    extra = ExtraFields.freeze(extra);
    if (raw == null) {
      raw =
          JsonBytes.adopt(
              new JsonObjectWriter()
                  .text("created", created)
                  .text("author", author)
                  .text("architecture", architecture)
                  .text("os", os)
                  .text("os.version", osVersion)
                  .stringList("os.features", osFeatures)
                  .text("variant", variant)
                  .object("config", config == null ? null : config.write())
                  .object("rootfs", rootfs == null ? null : rootfs.write())
                  .objectList(
                      "history",
                      history == null ? null : history.stream().map(History::write).toList())
                  .text("parent", parent)
                  .text("comment", comment)
                  .text("container", container)
                  .object(
                      "container_config", containerConfig == null ? null : containerConfig.write())
                  .text("docker_version", dockerVersion)
                  .extra(extra)
                  .toBytes());
    }
  }

  /**
   * Parses config bytes, keeping them as {@link #raw()}.
   *
   * @throws MalformedDocumentException naming the field that is wrong
   */
  public static ImageConfig parse(byte[] bytes) {
    JsonObjectReader r = JsonObjectReader.parse(bytes, "image config");
    Builder b = new Builder();
    b.created = r.text("created");
    b.author = r.text("author");
    b.architecture = r.text("architecture");
    b.os = r.text("os");
    b.osVersion = r.text("os.version");
    b.osFeatures = r.stringList("os.features");
    b.variant = r.text("variant");
    JsonObjectReader c = r.object("config");
    b.config = c == null ? null : ContainerConfig.read(c);
    JsonObjectReader fs = r.object("rootfs");
    b.rootfs = fs == null ? null : RootFs.read(fs);
    List<JsonObjectReader> h = r.objectList("history");
    b.history = h == null ? null : h.stream().map(History::read).toList();
    b.parent = r.text("parent");
    b.comment = r.text("comment");
    b.container = r.text("container");
    JsonObjectReader cc = r.object("container_config");
    b.containerConfig = cc == null ? null : ContainerConfig.read(cc);
    b.dockerVersion = r.text("docker_version");
    b.extra = r.remaining();
    return b.build(JsonBytes.of(bytes));
  }

  /** A config for an empty image ({@code FROM scratch}) on {@code platform}. */
  public static ImageConfig scratch(Platform platform) {
    return new Builder()
        .platform(platform)
        .config(ContainerConfig.empty())
        .rootfs(RootFs.of(List.of()))
        .history(List.of())
        .build();
  }

  /** The platform this config declares, or null if it names no OS/architecture. */
  public Platform platform() {
    if (os == null || architecture == null) {
      return null;
    }
    return new Platform(os, architecture, variant, osVersion, osFeatures, null);
  }

  /** The run-time config, or an empty one if the document has none. */
  public ContainerConfig configOrEmpty() {
    return config == null ? ContainerConfig.empty() : config;
  }

  /** The layer DiffIDs, or an empty list if the document has no rootfs. */
  public List<Digest> diffIds() {
    return rootfs == null ? List.of() : rootfs.diffIds();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Mutable, single-use builder; {@link #build()} returns an immutable config with freshly
   * serialised, deterministic bytes.
   */
  public static final class Builder {
    private String created;
    private String author;
    private String architecture;
    private String os;
    private String osVersion;
    private List<String> osFeatures;
    private String variant;
    private ContainerConfig config;
    private RootFs rootfs;
    private List<History> history;
    private String parent;
    private String comment;
    private String container;
    private ContainerConfig containerConfig;
    private String dockerVersion;
    private Map<String, JsonNode> extra = Map.of();

    public Builder() {}

    private Builder(ImageConfig c) {
      created = c.created;
      author = c.author;
      architecture = c.architecture;
      os = c.os;
      osVersion = c.osVersion;
      osFeatures = c.osFeatures;
      variant = c.variant;
      config = c.config;
      rootfs = c.rootfs;
      history = c.history;
      parent = c.parent;
      comment = c.comment;
      container = c.container;
      containerConfig = c.containerConfig;
      dockerVersion = c.dockerVersion;
      extra = c.extra;
    }

    public Builder created(String v) {
      created = v;
      return this;
    }

    public Builder author(String v) {
      author = v;
      return this;
    }

    /** Sets os, architecture, variant, os.version and os.features from {@code p}. */
    public Builder platform(Platform p) {
      os = p.os();
      architecture = p.architecture();
      variant = p.variant();
      osVersion = p.osVersion();
      osFeatures = p.osFeatures();
      return this;
    }

    public Builder config(ContainerConfig v) {
      config = v;
      return this;
    }

    public Builder rootfs(RootFs v) {
      rootfs = v;
      return this;
    }

    public Builder history(List<History> v) {
      history = v;
      return this;
    }

    /** Appends a layer: its DiffID to rootfs and its history entry. */
    public Builder addLayer(Digest diffId, History entry) {
      rootfs = (rootfs == null ? RootFs.of(List.of()) : rootfs).plus(diffId);
      return addHistory(entry);
    }

    /** Appends a history entry (for a layer already added, or an empty-layer step). */
    public Builder addHistory(History entry) {
      List<History> more = history == null ? new ArrayList<>() : new ArrayList<>(history);
      more.add(entry);
      history = more;
      return this;
    }

    public Builder parent(String v) {
      parent = v;
      return this;
    }

    public Builder comment(String v) {
      comment = v;
      return this;
    }

    public Builder container(String v) {
      container = v;
      return this;
    }

    public Builder containerConfig(ContainerConfig v) {
      containerConfig = v;
      return this;
    }

    public Builder dockerVersion(String v) {
      dockerVersion = v;
      return this;
    }

    public Builder extra(Map<String, JsonNode> v) {
      extra = v;
      return this;
    }

    public ImageConfig build() {
      return build(null);
    }

    private ImageConfig build(JsonBytes raw) {
      return new ImageConfig(
          created,
          author,
          architecture,
          os,
          osVersion,
          osFeatures,
          variant,
          config,
          rootfs,
          history,
          parent,
          comment,
          container,
          containerConfig,
          dockerVersion,
          extra,
          raw);
    }
  }
}
