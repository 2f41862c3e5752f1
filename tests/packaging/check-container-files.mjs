// The container files, checked without a container engine: the Dockerfile's stages and the properties the runtime
// image must have, .dockerignore, compose.yaml (parsed as compose parses it, YAML merge keys included) and the
// collector's configuration. Prints "ok <check>" or "not ok <check>" per check, with the reasons indented below.
//
//   node check-container-files.mjs <repository root>
//   node check-container-files.mjs --healthcheck <Dockerfile>    prints the HEALTHCHECK's bash script (run.sh runs it)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { isKnownSetting, loadCorpus } from "./known-settings.mjs";

/** The Dockerfile's instructions (continuations joined, comments dropped), grouped by stage. */
function parseDockerfile(text) {
  const instructions = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (current === "" && (line.trim().startsWith("#") || line.trim() === "")) {
      continue;
    }
    if (line.trim().startsWith("#")) {
      continue;
    }
    if (line.endsWith("\\")) {
      current += line.slice(0, -1) + " ";
      continue;
    }
    current += line;
    const match = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(current);
    if (match) {
      instructions.push({ keyword: match[1].toUpperCase(), args: match[2].trim() });
    }
    current = "";
  }
  const args = Object.fromEntries(instructions.filter((i) => i.keyword === "ARG" && i.args.includes("=")).map((i) => i.args.split("=", 2)));
  const stages = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image, , name] = instruction.args.replace(/\$\{(\w+)\}/g, (_, n) => args[n] ?? "").split(/\s+/);
      stages.push({ image, name, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1).instructions.push(instruction);
    }
  }
  return stages;
}

function healthcheckScript(stage) {
  const healthcheck = (stage?.instructions ?? []).findLast((i) => i.keyword === "HEALTHCHECK");
  const cmd = /\bCMD\s+(\[.*\])\s*$/s.exec(healthcheck?.args ?? "");
  if (!cmd) {
    return null;
  }
  const exec = JSON.parse(cmd[1]);
  return exec[0] === "bash" && exec[1] === "-c" ? exec[2] : null;
}

if (process.argv[2] === "--healthcheck") {
  const script = healthcheckScript(parseDockerfile(readFileSync(process.argv[3], "utf8")).at(-1));
  if (!script) {
    console.error("the final stage has no HEALTHCHECK CMD [\"bash\", \"-c\", ...]");
    process.exit(1);
  }
  console.log(script);
  process.exit(0);
}

const root = process.argv[2];
const corpus = loadCorpus(root);
function check(name, problems) {
  const list = problems.filter(Boolean);
  console.log(`${list.length === 0 ? "ok" : "not ok"} ${name}`);
  for (const problem of list) {
    console.log(`  ${problem}`);
  }
}
const when = (condition, problem) => (condition ? null : problem);

// Dockerfile
const stages = parseDockerfile(readFileSync(join(root, "Dockerfile"), "utf8"));
const build = stages[0];
const runtime = stages.at(-1);
const all = (stage, keyword) => (stage?.instructions ?? []).filter((i) => i.keyword === keyword);
check("Dockerfile: multi-stage, the SDK image builds, the runtime stage is mcr.microsoft.com/dotnet/aspnet (no SDK)", [
  when(stages.length >= 2, `${stages.length} stage(s)`),
  when(/^mcr\.microsoft\.com\/dotnet\/sdk:10\./.test(build?.image ?? ""), `build stage FROM ${build?.image}`),
  when(/^mcr\.microsoft\.com\/dotnet\/aspnet:10\./.test(runtime?.image ?? ""), `runtime stage FROM ${runtime?.image}`),
  when(all(runtime, "COPY").every((c) => c.args.startsWith(`--from=${build?.name} `)), "the runtime stage copies something other than the build stage's output"),
  when(all(build, "RUN").some((r) => /dotnet publish src\/Lumina\.Host\/Lumina\.Host\.csproj/.test(r.args)), "the build stage does not publish src/Lumina.Host"),
]);
const user = all(runtime, "USER").at(-1)?.args;
check("Dockerfile: the runtime stage runs as a non-root user", [
  when(user !== undefined, "no USER"),
  when(user === undefined || !/^(root|0)(:.*)?$/.test(user), `USER ${user}`),
  // The official images' app user; a literal user must be a uid other than 0 or a name other than root.
  when(user === undefined || /^\$\{?APP_UID\}?$/.test(user) || /^[1-9]\d*$/.test(user) || /^[a-z_][a-z0-9_-]*$/.test(user), `USER ${user} is not a uid, a name or $APP_UID`),
]);
const env = Object.fromEntries(all(runtime, "ENV").flatMap((e) => [...e.args.matchAll(/(\S+?)=(\S+)/g)].map((m) => [m[1], m[2]])));
const volumes = all(runtime, "VOLUME").flatMap((v) => (v.args.startsWith("[") ? JSON.parse(v.args) : v.args.split(/\s+/)));
check("Dockerfile: the data directory is a volume (Lumina__DataDirectory=/data)", [
  when(env.Lumina__DataDirectory === "/data", `Lumina__DataDirectory=${env.Lumina__DataDirectory}`),
  when(volumes.includes("/data"), `VOLUME ${volumes.join(" ") || "(none)"}`),
]);
const health = healthcheckScript(runtime);
check("Dockerfile: HEALTHCHECK asks /healthz on the served port with an allowed Host", [
  when(health !== null, "no HEALTHCHECK CMD [\"bash\", \"-c\", ...] in the runtime stage"),
  when(health === null || (health.includes("/dev/tcp/127.0.0.1/8080") && health.includes("GET /healthz ")), "it does not ask 127.0.0.1:8080/healthz"),
  when(health === null || (/Host: localhost/.test(health) && env.Lumina__Http__AllowedHosts__0 === "localhost"), "its Host header is not an allowed host (Lumina__Http__AllowedHosts__0=localhost)"),
]);
const entrypoint = JSON.parse(all(runtime, "ENTRYPOINT").at(-1)?.args ?? "[]");
const cmd = JSON.parse(all(runtime, "CMD").at(-1)?.args ?? "[]");
const line = [...entrypoint, ...cmd];
check("Dockerfile: serves HTTP on 0.0.0.0:8080 inside the container, and EXPOSEs it", [
  when(line.includes("--http"), `the command is ${line.join(" ")}`),
  when(line[line.indexOf("--urls") + 1] === "http://0.0.0.0:8080", "not --urls http://0.0.0.0:8080"),
  when(all(runtime, "EXPOSE").some((e) => e.args.split(/\s+/).includes("8080")), "no EXPOSE 8080"),
]);
const ignore = readFileSync(join(root, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
const sources = all(build, "COPY").flatMap((c) => c.args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1));
check("Dockerfile/.dockerignore: every COPY source exists and is in the context; build output and .git are not", [
  ...sources.map((s) => when(existsSync(join(root, s)), `COPY ${s}: no such file`)),
  ...sources.map((s) => when(!ignore.some((p) => p.replace(/\/$/, "") === s.replace(/\/$/, "")), `COPY ${s}: excluded by .dockerignore`)),
  ...["**/bin/", "**/obj/", ".git/"].map((p) => when(ignore.includes(p), `.dockerignore lacks ${p}`)),
]);

// compose.yaml
let compose;
try {
  compose = parse(readFileSync(join(root, "compose.yaml"), "utf8"), { merge: true });
  check("compose.yaml parses", []);
} catch (error) {
  check("compose.yaml parses", [error.message]);
  process.exit(0);
}
const services = compose.services ?? {};
const luminas = Object.entries(services).filter(([, s]) => s.build?.dockerfile === "Dockerfile" || s.image === "lumina:local");
const redis = Object.entries(services).find(([, s]) => /^redis:/.test(s.image ?? ""));
const collector = Object.entries(services).find(([, s]) => /opentelemetry-collector/.test(s.image ?? ""));
check("compose.yaml: two Lumina replicas, Redis and an OpenTelemetry collector", [
  when(luminas.length === 2, `${luminas.length} Lumina service(s)`),
  when(redis, "no redis service"),
  when(collector, "no OpenTelemetry collector service"),
  ...Object.entries(services).map(([name, s]) => when(typeof s.image === "string" && !/:latest$/.test(s.image) && /:/.test(s.image), `${name}: image ${s.image} has no pinned tag`)),
]);
const environment = (s) => (Array.isArray(s.environment) ? Object.fromEntries(s.environment.map((e) => e.split("=", 2))) : s.environment ?? {});
const shared = ["Lumina__Auth__SigningKey", "Lumina__Auth__Issuer", "Lumina__Auth__Resource"];
check("compose.yaml: the replicas share Redis (Lumina__Store=redis), one signing key, issuer and resource, and export to the collector", [
  ...luminas.flatMap(([name, s]) => {
    const e = environment(s);
    return [
      when(e.Lumina__Store === "redis", `${name}: Lumina__Store=${e.Lumina__Store}`),
      when(redis && e.ConnectionStrings__redis?.split(/[:,]/)[0] === redis[0], `${name}: ConnectionStrings__redis=${e.ConnectionStrings__redis} is not the redis service`),
      when(collector && new RegExp(`^https?://${collector[0]}:4317$`).test(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? ""), `${name}: OTEL_EXPORTER_OTLP_ENDPOINT=${e.OTEL_EXPORTER_OTLP_ENDPOINT} is not the collector's OTLP gRPC port`),
      when(redis && s.depends_on?.[redis[0]] !== undefined, `${name}: does not depend on ${redis?.[0]}`),
      when((s.volumes ?? []).some((v) => String(v).endsWith(":/data")), `${name}: no volume at /data`),
      ...shared.map((k) => when(typeof e[k] === "string" && e[k].length > 0, `${name}: no ${k}`)),
    ];
  }),
  ...shared.map((k) => when(new Set(luminas.map(([, s]) => environment(s)[k])).size === 1, `${k} differs between the replicas`)),
  when(new Set(luminas.flatMap(([, s]) => (s.volumes ?? []).filter((v) => String(v).endsWith(":/data")))).size === luminas.length, "the replicas share a /data volume (each host keeps its own marks there)"),
]);
check("compose.yaml: every Lumina and OTEL_* variable it sets is a documented setting", luminas.flatMap(([name, s]) => Object.keys(environment(s)).filter((k) => k.startsWith("Lumina__") || k.startsWith("OTEL_") || k.startsWith("ConnectionStrings__"))
  .map((k) => when(k === "ConnectionStrings__redis" || k === "OTEL_EXPORTER_OTLP_PROTOCOL" || k === "OTEL_RESOURCE_ATTRIBUTES" || isKnownSetting(corpus, k), `${name}: ${k}`))));

// The collector's configuration, as compose mounts it.
const mount = (collector?.[1].volumes ?? []).map(String).find((v) => /config\.ya?ml/.test(v));
const configFile = mount ? join(root, mount.split(":")[0]) : null;
let config = null;
const configProblems = [when(configFile && existsSync(configFile), `the collector's config file ${mount} does not exist`)];
if (configFile && existsSync(configFile)) {
  try {
    config = parse(readFileSync(configFile, "utf8"));
  } catch (error) {
    configProblems.push(error.message);
  }
}
if (config) {
  configProblems.push(
    when(/:4317$/.test(config.receivers?.otlp?.protocols?.grpc?.endpoint ?? ""), "the otlp receiver does not listen on gRPC 4317"),
    when((collector[1].command ?? []).some((c) => String(c).includes(mount.split(":")[1])), "the collector is not started with the mounted config"),
    ...["traces", "metrics"].map((signal) => {
      const pipeline = config.service?.pipelines?.[signal];
      return when(pipeline?.receivers?.includes("otlp") && pipeline.exporters?.every((e) => config.exporters?.[e] !== undefined) && pipeline.processors?.every((p) => config.processors?.[p] !== undefined),
        `the ${signal} pipeline does not take otlp into defined processors and exporters`);
    }),
  );
}
check("deploy/otel-collector.yaml: OTLP in, traces and metrics pipelines to defined exporters", configProblems);
