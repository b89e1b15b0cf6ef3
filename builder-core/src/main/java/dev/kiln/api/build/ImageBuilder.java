package dev.kiln.api.build;

import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;

/**
 * Builds one {@link BuildRequest}. The CLI and the Maven plugin call this and nothing else of the
 * engine. Failures are thrown as {@link BuildFailure} subtypes that say what went wrong and where;
 * progress goes to the listener.
 */
public interface ImageBuilder {
  BuildResult build(BuildRequest request, BuildListener listener) throws BuildFailure;
}
