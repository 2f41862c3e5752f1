using System.Text.Json;
using System.Text.Json.Nodes;
using Lumina.Abstractions;
using Lumina.Providers.Gemini;

namespace Lumina.Providers.Tests.Gemini;

/// <summary>The schema rewrite on its own: what Gemini rejects goes, hostile references end.</summary>
public sealed class GeminiSchemaTests
{
    /// <summary>A schema with everything Gemini's OpenAI endpoint rejects, the way JSON Schema generators write it.</summary>
    public const string Hostile = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "home": { "$ref": "#/$defs/Address", "description": "Where the user lives." },
            "work": { "$ref": "#/$defs/Address" },
            "note": { "anyOf": [ { "type": "string", "format": "uri" }, { "type": "null" } ] },
            "nick": { "type": [ "string", "null" ], "description": "A nickname." },
            "when": { "type": "string", "format": "date-time" },
            "format": { "type": "string", "format": "email" },
            "tags": { "type": "array", "items": { "$ref": "#/$defs/Tag" } }
          },
          "required": [ "home" ],
          "additionalProperties": false,
          "$defs": {
            "Address": {
              "type": "object",
              "description": "A postal address.",
              "properties": { "street": { "type": "string" }, "country": { "$ref": "#/$defs/Country" } },
              "additionalProperties": false
            },
            "Country": { "type": "string", "enum": [ "FR", "DE" ], "format": "enum" },
            "Tag": { "oneOf": [ { "type": "string" }, { "type": "integer" } ] }
          }
        }
        """;

    /// <summary>What Gemini is sent for <see cref="Hostile"/>.</summary>
    public const string Normalized = """
        {
          "type": "object",
          "properties": {
            "home": {
              "description": "Where the user lives.",
              "type": "object",
              "properties": { "street": { "type": "string" }, "country": { "type": "string", "enum": [ "FR", "DE" ], "format": "enum" } }
            },
            "work": {
              "type": "object",
              "description": "A postal address.",
              "properties": { "street": { "type": "string" }, "country": { "type": "string", "enum": [ "FR", "DE" ], "format": "enum" } }
            },
            "note": { "type": "string", "nullable": true },
            "nick": { "type": "string", "nullable": true, "description": "A nickname." },
            "when": { "type": "string", "format": "date-time" },
            "format": { "type": "string" },
            "tags": { "type": "array", "items": { "type": "string" } }
          },
          "required": [ "home" ]
        }
        """;

    [Fact]
    public void Normalize_HostileSchema_InlinesRefs_TurnsNullUnionsIntoNullable_AndDropsWhatGeminiRejects()
    {
        var normalized = GeminiSchema.Normalize(Parse(Hostile), "lookup");

        JsonNode.DeepEquals(normalized, JsonNode.Parse(Normalized)).Should().BeTrue(normalized.ToJsonString());
    }

    [Fact]
    public void Normalize_RecursiveRef_StopsWhereItWouldRepeat()
    {
        var schema = Parse("""
            {
              "type": "object",
              "properties": { "root": { "$ref": "#/$defs/Node" } },
              "$defs": {
                "Node": {
                  "type": "object",
                  "description": "A tree node.",
                  "properties": { "name": { "type": "string" }, "children": { "type": "array", "items": { "$ref": "#/$defs/Node" } } }
                }
              }
            }
            """);

        var normalized = GeminiSchema.Normalize(schema, "tree");

        JsonNode.DeepEquals(normalized, JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "root": {
                  "type": "object",
                  "description": "A tree node.",
                  "properties": {
                    "name": { "type": "string" },
                    "children": { "type": "array", "items": { "type": "object", "description": "A tree node." } }
                  }
                }
              }
            }
            """)).Should().BeTrue(normalized.ToJsonString());
    }

    [Fact]
    public void Normalize_MutualAndSelfReferences_End_WithNoRefLeft()
    {
        var schema = Parse("""
            {
              "type": "object",
              "properties": { "a": { "$ref": "#/$defs/A" }, "self": { "$ref": "#" } },
              "$defs": {
                "A": { "type": "object", "properties": { "b": { "$ref": "#/$defs/B" } } },
                "B": { "type": "object", "properties": { "a": { "$ref": "#/$defs/A" } } }
              }
            }
            """);

        var json = GeminiSchema.Normalize(schema, "loops").ToJsonString();

        json.Should().NotContain("$ref").And.NotContain("$defs");
        JsonNode.Parse(json)!["properties"]!["a"]!["properties"]!["b"]!["properties"]!["a"]!.ToJsonString().Should().Be("""{"type":"object"}""");
    }

    [Fact]
    public void Normalize_LongChainOfRefs_IsCutOffAtTheDepthLimit()
    {
        var defs = new JsonObject();
        for (var i = 0; i < 20; i++)
        {
            defs[$"D{i}"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["next"] = new JsonObject { ["$ref"] = $"#/$defs/D{i + 1}" } } };
        }

        defs["D20"] = new JsonObject { ["type"] = "string" };
        var schema = Parse(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["next"] = new JsonObject { ["$ref"] = "#/$defs/D0" } }, ["$defs"] = defs }.ToJsonString());

        var normalized = GeminiSchema.Normalize(schema, "chain");

        var depth = 0;
        for (JsonNode? node = normalized; node?["properties"]?["next"] is { } next; node = next)
        {
            depth++;
        }

        depth.Should().Be(GeminiSchema.MaxRefDepth + 1, "the root's property, then one level per inlined reference up to the limit");
        normalized.ToJsonString().Should().NotContain("$ref");
    }

    [Fact]
    public void Normalize_RefsThatMultiply_AreRefusedNamingTheTool()
    {
        // Each level names the next four times: 4^8 copies if inlined in full.
        var defs = new JsonObject();
        for (var i = 0; i < 8; i++)
        {
            var properties = new JsonObject();
            foreach (var name in new[] { "a", "b", "c", "d" })
            {
                properties[name] = new JsonObject { ["$ref"] = $"#/$defs/L{i + 1}" };
            }

            defs[$"L{i}"] = new JsonObject { ["type"] = "object", ["properties"] = properties };
        }

        defs["L8"] = new JsonObject { ["type"] = "string" };
        var schema = Parse(new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["x"] = new JsonObject { ["$ref"] = "#/$defs/L0" } }, ["$defs"] = defs }.ToJsonString());

        var normalize = () => GeminiSchema.Normalize(schema, "bomb");

        normalize.Should().Throw<LuminaRefusalException>().Which.Message.Should().Contain("'bomb'").And.Contain($"more than {GeminiSchema.MaxExpansions} $ref copies");
    }

    [Fact]
    public void Normalize_UnresolvableRef_LeavesALooseObject()
    {
        var normalized = GeminiSchema.Normalize(Parse("""{"type":"object","properties":{"x":{"$ref":"https://example.com/other.json","description":"Elsewhere."}}}"""), "remote");

        normalized["properties"]!["x"]!.ToJsonString().Should().Be("""{"description":"Elsewhere.","type":"object"}""");
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
