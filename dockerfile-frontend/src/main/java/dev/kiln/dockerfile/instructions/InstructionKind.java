package dev.kiln.dockerfile.instructions;

/** The kinds of Dockerfile instruction, one per {@link Instruction} record. */
public enum InstructionKind {
  ADD,
  ARG,
  CMD,
  COPY,
  ENTRYPOINT,
  ENV,
  EXPOSE,
  FROM,
  HEALTHCHECK,
  LABEL,
  MAINTAINER,
  ONBUILD,
  RUN,
  SHELL,
  STOPSIGNAL,
  USER,
  VOLUME,
  WORKDIR
}
