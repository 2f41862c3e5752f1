namespace Lumina.Abstractions;

/// <summary>One message of a prompt built by a native function marked with <see cref="LuminaPromptAttribute"/>.</summary>
public sealed record LuminaPromptMessage(LuminaRole Role, LuminaContent Content)
{
    public static LuminaPromptMessage User(string text) => new(LuminaRole.User, new LuminaText(text));

    public static LuminaPromptMessage User(LuminaContent content) => new(LuminaRole.User, content);

    public static LuminaPromptMessage Assistant(string text) => new(LuminaRole.Assistant, new LuminaText(text));
}
