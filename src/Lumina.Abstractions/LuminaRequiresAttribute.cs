namespace Lumina.Abstractions;

/// <summary>
/// Declares the permission a plugin's functions need. On a plugin class it is the default for the class's functions;
/// on a method it decides for that function. Without it, the permission follows the function's
/// <see cref="LuminaToolAttribute"/> hints: read-only needs <see cref="LuminaPermission.Read"/>, destructive or
/// otherwise mutating needs <see cref="LuminaPermission.Write"/>, anything else <see cref="LuminaPermission.Execute"/>.
/// </summary>
/// <remarks>Configuration (<c>Lumina:Auth:Permissions:&lt;plugin&gt;[.&lt;function&gt;]</c>) can override what a plugin declares.</remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LuminaRequiresAttribute(LuminaPermission permission) : Attribute
{
    /// <summary>The permission a caller needs to invoke the function.</summary>
    public LuminaPermission Permission { get; } = permission;
}
