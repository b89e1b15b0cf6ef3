# The Java builder base: a JDK and Maven, like maven:3-eclipse-temurin-17.
FROM rw-debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven ca-certificates \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
CMD ["mvn", "-v"]
