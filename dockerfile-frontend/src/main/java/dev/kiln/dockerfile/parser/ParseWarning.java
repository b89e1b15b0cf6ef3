package dev.kiln.dockerfile.parser;

/**
 * Something a Dockerfile gets away with today but should not do, reported as data.
 *
 * @param rule a short rule name, e.g. {@code NoEmptyContinuation}
 * @param message the one-line text
 * @param detail more explanation, may be empty
 * @param url where the rule is documented, may be empty
 * @param range where it happened, or null when it is about the whole build
 */
public record ParseWarning(
    String rule, String message, String detail, String url, SourceRange range) {}
