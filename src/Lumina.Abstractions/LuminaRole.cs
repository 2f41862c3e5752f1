namespace Lumina.Abstractions;

/// <summary>Who speaks a prompt message.</summary>
public enum LuminaRole
{
    User,
    Assistant,
}
