package dev.kiln.core.output;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Derives the tag an OCI layout records in {@code org.opencontainers.image.ref.name} and the {@code
 * RepoTags} entry of a docker archive from a full image reference.
 */
public final class TagNames {
  /**
   * The descriptor annotation containerd, BuildKit, Docker and podman read for an image's whole
   * name in an OCI layout or archive, whose {@code org.opencontainers.image.ref.name} is a tag.
   */
  public static final String CONTAINERD_NAME = "io.containerd.image.name";

  private TagNames() {}

  /**
   * How an image is named in an OCI layout's {@code index.json}: the whole reference in {@link
   * #CONTAINERD_NAME} (what podman, containerd and Docker load it as) and the tag in {@code
   * org.opencontainers.image.ref.name} (what skopeo's {@code oci-archive:FILE:TAG} selects, as in
   * BuildKit's archives).
   *
   * @param fullName {@code docker.io/library/app:1}; empty when the name is no image reference
   * @param tag {@code 1}
   */
  record LayoutName(String fullName, String tag) {}

  /** The layout names of {@code names} (full references), in order, each once; digests dropped. */
  static List<LayoutName> layoutNames(List<String> names) {
    Set<LayoutName> out = new LinkedHashSet<>();
    for (String name : names) {
      String tag = tagOf(name);
      if (tag.isEmpty()) {
        continue;
      }
      String full = "";
      try {
        ImageReference ref = ImageReference.parse(name);
        full = ref.repositoryOnly().withTag(ref.tagOrDefault()).toString();
      } catch (InvalidReferenceException e) {
        // a name kiln cannot read as a reference keeps its tag only, as before
      }
      out.add(new LayoutName(full, tag));
    }
    return List.copyOf(out);
  }

  /** {@code registry:5000/app:1} → {@code 1}; no tag → {@code latest}; digest only → empty. */
  static String tagOf(String reference) {
    String withoutDigest = stripDigest(reference);
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    if (colon > slash) {
      return withoutDigest.substring(colon + 1);
    }
    return reference.contains("@") ? "" : "latest";
  }

  /** {@code app} → {@code app:latest}, as docker load lists it; digests are dropped. */
  static String repoTag(String reference) {
    String withoutDigest = stripDigest(reference);
    int slash = withoutDigest.lastIndexOf('/');
    int colon = withoutDigest.lastIndexOf(':');
    return colon > slash ? withoutDigest : withoutDigest + ":latest";
  }

  private static String stripDigest(String reference) {
    int at = reference.indexOf('@');
    return at < 0 ? reference : reference.substring(0, at);
  }
}
