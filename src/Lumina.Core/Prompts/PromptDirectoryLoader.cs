using Lumina.Core.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace Lumina.Core.Prompts;

/// <summary>
/// Loads prompt functions in Semantic Kernel's prompt-directory format:
/// <c>&lt;root&gt;/&lt;plugin&gt;/&lt;function&gt;/skprompt.txt</c> with an optional <c>config.json</c>.
/// </summary>
internal sealed partial class PromptDirectoryLoader(ILoggerFactory loggerFactory)
{
    private const string PromptFile = "skprompt.txt";
    private const string ConfigFile = "config.json";
    private readonly ILogger _logger = loggerFactory.CreateLogger<PromptDirectoryLoader>();

    public IEnumerable<LuminaPlugin> Load(string root, string source)
    {
        foreach (var pluginFolder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var pluginName = Path.GetFileName(pluginFolder);
            if (!PluginNames.IsValid(pluginName))
            {
                LogBadName(pluginFolder);
                continue;
            }

            var functions = new List<KernelFunction>();
            var templates = new Dictionary<string, PromptTemplateConfig>(StringComparer.Ordinal);
            foreach (var functionFolder in Directory.EnumerateDirectories(pluginFolder).Order(StringComparer.Ordinal))
            {
                var promptPath = Path.Combine(functionFolder, PromptFile);
                if (!File.Exists(promptPath))
                {
                    continue;
                }

                try
                {
                    var configPath = Path.Combine(functionFolder, ConfigFile);
                    var config = File.Exists(configPath) ? PromptTemplateConfig.FromJson(File.ReadAllText(configPath)) : new PromptTemplateConfig();
                    config.Name = Path.GetFileName(functionFolder);
                    config.Template = File.ReadAllText(promptPath);
                    functions.Add(KernelFunctionFactory.CreateFromPrompt(config, promptTemplateFactory: null, loggerFactory));
                    templates[config.Name] = config;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or KernelException or System.Text.Json.JsonException)
                {
                    LogPromptFailed(ex, functionFolder);
                }
            }

            if (functions.Count > 0)
            {
                yield return new LuminaPlugin(KernelPluginFactory.CreateFromFunctions(pluginName, description: null, functions), source, templates);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped prompt folder {Folder}: a plugin name uses letters, digits and '_'.")]
    private partial void LogBadName(string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not load the prompt in {Folder}.")]
    private partial void LogPromptFailed(Exception exception, string folder);
}
