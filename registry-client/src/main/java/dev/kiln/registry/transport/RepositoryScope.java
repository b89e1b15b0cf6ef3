package dev.kiln.registry.transport;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Access a request needs to one repository, as registries' token servers spell it: {@code
 * repository:library/busybox:pull} or {@code repository:app:pull,push}.
 */
public record RepositoryScope(String repository, Set<String> actions) {
  public RepositoryScope {
    Objects.requireNonNull(repository, "repository");
    actions = Set.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a scope needs at least one action");
    }
  }

  public static RepositoryScope pull(String repository) {
    return new RepositoryScope(repository, Set.of("pull"));
  }

  public static RepositoryScope pullPush(String repository) {
    return new RepositoryScope(repository, Set.of("pull", "push"));
  }

  /** {@code repository:<name>:<actions sorted, comma-separated>}. */
  public String toScopeString() {
    return "repository:" + repository + ":" + String.join(",", new TreeSet<>(actions));
  }

  @Override
  public String toString() {
    return toScopeString();
  }
}
