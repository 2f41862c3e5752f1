using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Lumina.Conformance.Plugin;

/// <summary>The template resource's JSON body.</summary>
internal sealed record TemplateDataValue(string Id, bool TemplateTest, string Data);

internal static class TemplateJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
}
