# FaceStream image: one image, one role per container (the compose file's `command`).
# Models are NOT baked in: mount a model directory at /models (or pull a pack with checksums at deploy time).
FROM maven:3.9.11-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
COPY .mvn .mvn
RUN mvn -B -q dependency:go-offline || true
COPY src src
COPY topologies topologies
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 facestream
WORKDIR /opt/facestream
COPY --from=build /src/target/facestream.jar ./
COPY --from=build /src/target/lib ./lib
USER facestream
ENV FACESTREAM_MODELS=/models
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/facestream/facestream.jar"]
