namespace Lumina.Abstractions;

/// <summary>What the user did with an <see cref="ElicitationRequest"/>.</summary>
public enum ElicitationAction
{
    /// <summary>The user answered; <see cref="ElicitationResult.Content"/> holds the answer.</summary>
    Accept,

    /// <summary>The user said no.</summary>
    Decline,

    /// <summary>The user dismissed the question without choosing.</summary>
    Cancel,
}
