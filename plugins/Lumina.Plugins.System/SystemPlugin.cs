using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lumina.Abstractions;
using Microsoft.SemanticKernel;

namespace Lumina.Plugins.System;

/// <summary>Describes the running Lumina host: version, runtime, plugins and how each function is served, providers.</summary>
[LuminaRequires(LuminaPermission.Read)]
[LuminaPlugin("system", Description = "Describes this Lumina host.")]
public sealed class SystemPlugin(ILuminaHostInfo host)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        TypeInfoResolver = new global::System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    [KernelFunction("describe"), Description("Describes this Lumina host: its version, runtime, the plugins it serves with their functions (tools, prompts, resources) and the AI providers it can use.")]
    [LuminaTool(ReadOnly = true, Idempotent = true)]
    public LuminaHostDescription Describe() => host.Describe();

    [KernelFunction("host"), Description("This Lumina host's description as JSON: version, runtime, plugins, prompts and providers.")]
    [LuminaResource("lumina://system", Name = "system", Title = "Lumina host", MimeType = "application/json")]
    public string Host() => JsonSerializer.Serialize(host.Describe(), s_json);
}
