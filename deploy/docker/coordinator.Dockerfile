# The packaged Quarkus coordinator (fast-jar layout). Build from the repository root after ./mvnw package:
#   docker build -f deploy/docker/coordinator.Dockerfile -t parallax-coordinator .
FROM eclipse-temurin:21-jre
WORKDIR /deployments
# Dependencies first: they change less often than the application, so the layer is reused.
COPY --chown=185 coordinator/target/quarkus-app/lib/ lib/
COPY --chown=185 coordinator/target/quarkus-app/quarkus/ quarkus/
COPY --chown=185 coordinator/target/quarkus-app/app/ app/
COPY --chown=185 coordinator/target/quarkus-app/quarkus-run.jar quarkus-run.jar
USER 185
EXPOSE 8080
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /deployments/quarkus-run.jar"]
