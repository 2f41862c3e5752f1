// Checks the packed .mcp/server.json against what the MCP registry's server.json schema (2025-09-29, the one it names)
// requires of it, and against Lumina: the package's own version, a stdio and a --http streamable-http transport, and
// environment variables that are real settings.
//
//   node check-server-json.mjs <server.json> <version>      exit 0 when it holds, else 1 with the reasons
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isKnownSetting, loadCorpus } from "./known-settings.mjs";

const [file, version] = process.argv.slice(2);
const problems = [];
const expect = (condition, why) => {
  if (!condition) {
    problems.push(why);
  }
};
let server;
try {
  server = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`not JSON: ${error.message}`);
  process.exit(1);
}
const corpus = loadCorpus(join(dirname(fileURLToPath(import.meta.url)), "../.."));

expect(/^https:\/\/static\.modelcontextprotocol\.io\/schemas\/[0-9-]+\/server\.schema\.json$/.test(server.$schema ?? ""), "$schema names no registry schema");
expect(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/.test(server.name ?? ""), "name is not reverse-DNS namespace/name");
expect(typeof server.description === "string" && server.description.length >= 1 && server.description.length <= 100, "description must be 1 to 100 characters");
expect(server.version === version, `version is ${server.version}, the package's is ${version}`);
const packages = Array.isArray(server.packages) ? server.packages : [];
expect(packages.length > 0, "no packages");

const allowed = new Set(["registryType", "registryBaseUrl", "identifier", "version", "fileSha256", "runtimeHint", "transport", "runtimeArguments", "packageArguments", "environmentVariables"]);
const checkInput = (where, input) => {
  expect(input.format === undefined || ["string", "number", "boolean", "filepath"].includes(input.format), `${where}: format ${input.format}`);
  for (const key of ["isRequired", "isSecret"]) {
    expect(input[key] === undefined || typeof input[key] === "boolean", `${where}: ${key} must be a boolean`);
  }
};
for (const [i, p] of packages.entries()) {
  const where = `packages[${i}]`;
  for (const key of Object.keys(p)) {
    expect(allowed.has(key), `${where}: ${key} is not a package property`);
  }
  expect(p.registryType === "nuget" && p.identifier === "Lumina", `${where}: not the nuget package Lumina`);
  expect(p.version === version, `${where}: version ${p.version}, the package's is ${version}`);
  const transport = p.transport ?? {};
  expect(transport.type === "stdio" || (transport.type === "streamable-http" && typeof transport.url === "string"), `${where}: transport ${JSON.stringify(transport)}`);
  for (const [j, arg] of (p.packageArguments ?? []).entries()) {
    const at = `${where}.packageArguments[${j}]`;
    checkInput(at, arg);
    expect(arg.type === "positional" ? arg.value !== undefined || arg.valueHint !== undefined : arg.type === "named" && typeof arg.name === "string", `${at}: a positional needs value or valueHint, a named one a name`);
  }
  for (const [j, env] of (p.environmentVariables ?? []).entries()) {
    const at = `${where}.environmentVariables[${j}]`;
    checkInput(at, env);
    expect(typeof env.name === "string" && isKnownSetting(corpus, env.name), `${at}: ${env.name} is not a documented setting`);
  }
  for (const header of transport.headers ?? []) {
    checkInput(`${where}.transport.headers`, header);
  }
}
const stdio = packages.find((p) => p.transport?.type === "stdio");
const http = packages.find((p) => p.transport?.type === "streamable-http");
expect(stdio && !(stdio.packageArguments ?? []).some((a) => a.value === "--http"), "no stdio package (lumina without --http)");
expect(http && (http.packageArguments ?? []).some((a) => a.value === "--http"), "no streamable-http package started with --http");
if (http) {
  // Each {variable} of the URL is an argument's valueHint or name, or an environment variable (the schema's rule).
  const names = new Set([...(http.packageArguments ?? []).flatMap((a) => [a.valueHint, a.name]), ...(http.environmentVariables ?? []).map((e) => e.name)].filter(Boolean));
  for (const [, variable] of http.transport.url.matchAll(/\{([^}]+)\}/g)) {
    expect(names.has(variable), `streamable-http url: {${variable}} names no argument or variable`);
  }
  expect(http.transport.url.endsWith("/mcp"), "streamable-http url does not end in /mcp");
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
