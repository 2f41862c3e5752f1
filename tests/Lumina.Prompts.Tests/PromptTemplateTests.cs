using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;

namespace Lumina.Prompts.Tests;

/// <summary>Every shipped prompt loads, documents itself, declares exactly the variables it uses, and renders.</summary>
public sealed partial class PromptTemplateTests
{
    private static readonly string s_root = Path.Combine(AppContext.BaseDirectory, "prompts");

    public static TheoryData<string, string> Prompts()
    {
        var data = new TheoryData<string, string>();
        foreach (var plugin in Directory.EnumerateDirectories(s_root).Order())
        {
            foreach (var function in Directory.EnumerateDirectories(plugin).Order())
            {
                data.Add(Path.GetFileName(plugin), Path.GetFileName(function));
            }
        }

        return data;
    }

    [Fact]
    public void Prompts_AtLeastSixShip() => Prompts().Count.Should().BeGreaterThanOrEqualTo(6);

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Prompt_LoadsAsAKernelFunctionWithDescriptions(string plugin, string function)
    {
        var kernel = new Kernel();
        var loaded = kernel.CreatePluginFromPromptDirectory(Path.Combine(s_root, plugin));

        var kernelFunction = loaded[function];
        kernelFunction.Description.Should().NotBeNullOrWhiteSpace().And.HaveLength(kernelFunction.Description.Trim().Length);
        kernelFunction.Description.Length.Should().BeGreaterThan(40, "descriptions are written for the model and the user");
        kernelFunction.Metadata.Parameters.Should().NotBeEmpty().And.OnlyContain(p => !string.IsNullOrWhiteSpace(p.Description));
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Prompt_DeclaresExactlyTheVariablesItUses(string plugin, string function)
    {
        var (config, template) = Load(plugin, function);

        var used = Variable().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
        var declared = config.InputVariables.Select(v => v.Name).ToHashSet();

        used.Should().BeEquivalentTo(declared);
        config.InputVariables.Where(v => !v.IsRequired).Should().OnlyContain(v => v.Default != null, "optional variables need a default so the template renders");
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Prompt_EnumSchemas_IncludeTheDefault(string plugin, string function)
    {
        var (config, _) = Load(plugin, function);

        foreach (var variable in config.InputVariables.Where(v => v.JsonSchema is not null))
        {
            using var schema = JsonDocument.Parse(variable.JsonSchema!);
            var values = schema.RootElement.GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToList();
            values.Should().Contain(variable.Default?.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public async Task Prompt_RendersWithSampleArguments(string plugin, string function)
    {
        var (config, _) = Load(plugin, function);
        var arguments = new KernelArguments();
        foreach (var variable in config.InputVariables)
        {
            // As the prompt function does: required values from the caller, defaults for the rest.
            arguments[variable.Name] = variable.IsRequired ? $"SAMPLE-{variable.Name}-VALUE" : variable.Default;
        }

        var rendered = await new KernelPromptTemplateFactory().Create(config).RenderAsync(new Kernel(), arguments);

        foreach (var variable in config.InputVariables)
        {
            rendered.Should().Contain(variable.IsRequired ? $"SAMPLE-{variable.Name}-VALUE" : variable.Default!.ToString());
        }

        rendered.Should().NotContain("{{");
    }

    private static (PromptTemplateConfig Config, string Template) Load(string plugin, string function)
    {
        var folder = Path.Combine(s_root, plugin, function);
        var config = PromptTemplateConfig.FromJson(File.ReadAllText(Path.Combine(folder, "config.json")));
        config.Template = File.ReadAllText(Path.Combine(folder, "skprompt.txt"));
        return (config, config.Template);
    }

    [GeneratedRegex(@"\{\{\s*\$(\w+)\s*\}\}")]
    private static partial Regex Variable();
}
