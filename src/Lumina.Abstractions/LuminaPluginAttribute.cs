namespace Lumina.Abstractions;

/// <summary>
/// Names a plugin class (the first half of its tools' names) and describes it. Without it, a class
/// <c>FooBarPlugin</c> is named <c>foo_bar</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LuminaPluginAttribute(string name) : Attribute
{
    /// <summary>The plugin's name: letters, digits and <c>_</c>.</summary>
    public string Name { get; } = name;

    /// <summary>What the plugin is for.</summary>
    public string? Description { get; set; }
}
