// Whether a configuration name that a package or container file hands to Lumina is a setting Lumina documents: the
// name (Lumina__A__B__0, or OTEL_*) must appear in the docs, the README or the host's help and telemetry code, in its
// environment (__) or configuration (:) spelling. An index (0, 1, ...) and a provider's own name (Providers__main)
// stand for any.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function loadCorpus(root) {
  const files = [
    join(root, "README.md"),
    join(root, "src/Lumina.Host/Cli/LuminaCommands.cs"),
    join(root, "src/Lumina.Host/LuminaOpenTelemetry.cs"),
    ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => join(root, "docs", f)),
  ];
  return files.map((f) => readFileSync(f, "utf8")).join("\n");
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function isKnownSetting(corpus, name) {
  if (!name.includes("__")) {
    return new RegExp(`\\b${escape(name)}\\b`).test(corpus);
  }
  const segments = name.split("__");
  let pattern = "";
  segments.forEach((segment, i) => {
    if (/^\d+$/.test(segment)) {
      pattern += "(?:(?:__|:)(?:\\d+|<i>))?";
      return;
    }
    const part = i > 0 && segments[i - 1] === "Providers" ? "(?:[A-Za-z0-9]+|<name>)" : escape(segment);
    pattern += (i === 0 ? "" : "(?:__|:)") + part;
  });
  return new RegExp(`${pattern}(?![A-Za-z0-9])`).test(corpus);
}
