package dev.kiln.core.engine;

import dev.kiln.core.git.ResolvedRef;
import dev.kiln.core.step.CopyFailure;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The git refs one build resolved, shared by all its platforms: each is resolved once, so a branch
 * that moves while a multi-platform build runs cannot give its platforms two different commits. The
 * platforms run at once; the second to ask for a ref waits for the first's answer.
 */
final class GitRefs {
  private final Map<String, ResolvedRef> resolved = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /** How a ref not yet known is resolved. */
  interface Resolver {
    ResolvedRef resolve() throws IOException, CopyFailure;
  }

  /** The commit {@code id} (remote and ref) was resolved to in this build, resolving it first. */
  ResolvedRef get(String id, Resolver resolver) throws IOException, CopyFailure {
    synchronized (locks.computeIfAbsent(id, k -> new Object())) {
      ResolvedRef known = resolved.get(id);
      if (known != null) {
        return known;
      }
      ResolvedRef fresh = resolver.resolve();
      resolved.put(id, fresh);
      return fresh;
    }
  }
}
