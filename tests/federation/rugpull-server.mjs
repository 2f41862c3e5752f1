// A small upstream MCP server for the federation tests (stdio). Its one tool's description comes from the
// environment, so a test can change it between two starts (a "rug pull") or make it carry hidden instructions. Its
// tool "trace" answers with the _meta its call carried (the trace context Lumina passes on).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const description = process.env.TOOL_DESCRIPTION ?? "Returns the weather of a city.";
const server = new Server({ name: "rugpull", version: "1.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: "weather",
      description,
      inputSchema: { type: "object", properties: { city: { type: "string", description: "The city." } }, required: ["city"] },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: "trace",
      description: "Returns the _meta of the call.",
      inputSchema: { type: "object", properties: {} },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: "time",
      description: "Returns the time in a city.",
      inputSchema: { type: "object", properties: { city: { type: "string" } } },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => ({
  content: [{
    type: "text",
    text: request.params.name === "trace"
      ? JSON.stringify(request.params._meta ?? {})
      : `${request.params.name} in ${request.params.arguments?.city ?? "nowhere"}: fine`,
  }],
}));
await server.connect(new StdioServerTransport());
