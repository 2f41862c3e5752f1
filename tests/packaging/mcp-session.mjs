// One MCP session over stdio with a command, as a client does it, with no dependencies: initialize,
// notifications/initialized, tools/list and prompts/list (every page), then each --call. Prints one JSON object on
// stdout (what the server answered) for run.sh to check; exits 1, saying why on stderr, when the session itself fails.
//
//   node mcp-session.mjs [--call <tool> <json arguments>]... -- <command> [args...]
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const argv = process.argv.slice(2);
const separator = argv.indexOf("--");
if (separator < 0 || separator === argv.length - 1) {
  console.error("usage: node mcp-session.mjs [--call <tool> <json>]... -- <command> [args...]");
  process.exit(2);
}
const calls = [];
for (let i = 0; i < separator; i++) {
  if (argv[i] === "--call" && i + 2 < separator) {
    calls.push({ name: argv[i + 1], arguments: JSON.parse(argv[i + 2]) });
    i += 2;
  } else {
    console.error(`unknown option ${argv[i]}`);
    process.exit(2);
  }
}
const [command, ...args] = argv.slice(separator + 1);

const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
let stderr = "";
child.stderr.on("data", (chunk) => {
  stderr = (stderr + chunk).slice(-4000);
});
const fail = (why) => {
  console.error(why);
  if (stderr) {
    console.error(`server stderr (last part):\n${stderr}`);
  }
  child.kill("SIGKILL");
  process.exit(1);
};
const timer = setTimeout(() => fail("timed out after 90 s"), 90_000);
child.on("exit", (code, signal) => fail(`the server exited (${code ?? signal}) before the session ended`));
child.on("error", (error) => fail(`could not start ${command}: ${error.message}`));

let nextId = 1;
const pending = new Map();
const nonJson = [];
createInterface({ input: child.stdout }).on("line", (line) => {
  if (line.trim() === "") {
    return;
  }
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    // stdout is the MCP channel: anything else on it is a defect the caller reports.
    nonJson.push(line.slice(0, 200));
    return;
  }
  if (message.id !== undefined && pending.has(message.id) && message.method === undefined) {
    const { resolve } = pending.get(message.id);
    pending.delete(message.id);
    resolve(message);
  } else if (message.method !== undefined && message.id !== undefined) {
    // A request from the server (roots, sampling, elicitation): this client declared none of them.
    send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "not supported by this client" } });
  }
});

function send(message) {
  child.stdin.write(JSON.stringify(message) + "\n");
}

function request(method, params) {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, { resolve });
    send({ jsonrpc: "2.0", id, method, params });
  }).then((reply) => {
    if (reply.error) {
      fail(`${method} failed: ${JSON.stringify(reply.error)}`);
    }
    return reply.result;
  });
}

async function listAll(method, key) {
  const items = [];
  let cursor;
  do {
    const result = await request(method, cursor ? { cursor } : {});
    items.push(...result[key]);
    cursor = result.nextCursor;
  } while (cursor);
  return items;
}

const initialize = await request("initialize", {
  protocolVersion: "2025-11-25",
  capabilities: {},
  clientInfo: { name: "lumina-packaging-test", version: "1.0.0" },
});
send({ jsonrpc: "2.0", method: "notifications/initialized" });
const tools = await listAll("tools/list", "tools");
const prompts = initialize.capabilities?.prompts ? await listAll("prompts/list", "prompts") : [];
const results = [];
for (const call of calls) {
  const result = await request("tools/call", call);
  results.push({
    name: call.name,
    isError: result.isError === true,
    text: (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n"),
    structuredContent: result.structuredContent ?? null,
  });
}

clearTimeout(timer);
child.removeAllListeners("exit");
child.stdin.end();
console.log(JSON.stringify({
  protocolVersion: initialize.protocolVersion,
  serverInfo: initialize.serverInfo,
  tools: tools.map((t) => t.name),
  prompts: prompts.map((p) => p.name),
  calls: results,
  nonJsonStdout: nonJson,
}));
// Closing stdin ends a stdio server; give it a moment, then make sure it is gone.
const exited = await Promise.race([
  new Promise((resolve) => child.once("exit", () => resolve(true))),
  new Promise((resolve) => setTimeout(() => resolve(false), 10_000)),
]);
if (!exited) {
  child.kill("SIGKILL");
}
