# Lumina as a container: `docker build -t lumina .` then
#   docker run -p 127.0.0.1:8080:8080 -v lumina-data:/data -e Lumina__Auth__SigningKey=... lumina
# The SDK builds and publishes; the runtime image (ASP.NET Core, no SDK) runs it as a non-root user, with its state in
# the /data volume. HTTP listens on 0.0.0.0 only inside the container; requests must still name an allowed host
# (Lumina:Http:AllowedHosts, see docs/install.md). compose.yaml runs two replicas on Redis with a collector.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
# npm for the web console's chart library (src/Lumina.Host/Console/Console.targets; without it the console shows tables).
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY plugins/ plugins/
COPY prompts/ prompts/
COPY workflows/ workflows/
ARG VERSION=0.1.0
# Framework-dependent, ReadyToRun for the build platform's runtime (the csproj's publish settings): a faster cold start.
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/Lumina.Host/Lumina.Host.csproj -c Release -o /app -p:Version=${VERSION} -nologo

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
COPY --from=build /app ./
# `lumina` on the PATH, for the admin commands: docker exec <container> lumina users add alice --role admin --password-stdin
RUN printf '#!/bin/sh\nexec dotnet /app/lumina.dll "$@"\n' > /usr/local/bin/lumina \
    && chmod 755 /usr/local/bin/lumina \
    && mkdir -p /data \
    && chown "$APP_UID" /data
# localhost stays allowed (index 0) for the health check; add the names clients use from :1 on.
ENV Lumina__DataDirectory=/data \
    Lumina__Http__AllowedHosts__0=localhost
VOLUME /data
EXPOSE 8080
# The image's own non-root user (app, uid 1654).
USER $APP_UID
# No curl in the runtime image: bash's /dev/tcp asks /healthz, healthy on HTTP 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r -t 5 status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]
ENTRYPOINT ["lumina"]
CMD ["--http", "--urls", "http://0.0.0.0:8080"]
