package dev.kiln.dockerfile.instructions;

/**
 * An inline source of COPY/ADD written as a heredoc.
 *
 * @param path the file name (the heredoc terminator)
 * @param data the content, {@code <<-} tabs already removed
 * @param expand whether variables in {@code data} are expanded (the terminator was unquoted)
 */
public record SourceContent(String path, String data, boolean expand) {}
