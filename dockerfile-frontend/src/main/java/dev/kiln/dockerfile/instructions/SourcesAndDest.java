package dev.kiln.dockerfile.instructions;

import java.util.ArrayList;
import java.util.List;

/**
 * The sources and destination of COPY/ADD.
 *
 * @param sourcePaths paths (or URLs for ADD) in the order written
 * @param sourceContents heredoc sources, in the order written
 * @param destPath the destination
 */
public record SourcesAndDest(
    List<String> sourcePaths, List<SourceContent> sourceContents, String destPath) {
  public SourcesAndDest {
    sourcePaths = List.copyOf(sourcePaths);
    sourceContents = List.copyOf(sourceContents);
  }

  SourcesAndDest expand(Expansion ex) {
    List<SourceContent> contents = new ArrayList<>(sourceContents.size());
    for (SourceContent c : sourceContents) {
      contents.add(c.expand() ? new SourceContent(c.path(), ex.raw(c.data()), true) : c);
    }
    return new SourcesAndDest(ex.eachWord(sourcePaths), contents, ex.word(destPath));
  }
}
