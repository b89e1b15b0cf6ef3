package dev.kiln.dockerfile.parser;

/**
 * A parser directive from the top of a Dockerfile, e.g. {@code # escape=`}.
 *
 * @param name the directive name in lower case ({@code syntax}, {@code escape} or {@code check})
 * @param value the value, surrounding white space removed
 * @param line the 1-based line it was read from
 */
public record Directive(String name, String value, int line) {}
