package dev.kiln.core.engine;

import dev.kiln.core.event.BuildListener;
import dev.kiln.core.request.BuildRequest;

/**
 * Builds one {@link BuildRequest}. The CLI and the Maven plugin call this and nothing else of the
 * engine. Failures are thrown as {@link BuildFailure} subtypes that say what went wrong and where;
 * progress goes to the listener.
 */
public interface ImageBuilder {
  BuildResult build(BuildRequest request, BuildListener listener) throws BuildFailure;
}
