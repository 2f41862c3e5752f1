using System.Text.RegularExpressions;

namespace Lumina.Providers;

/// <summary>
/// Makes a provider's error text fit to show: a short excerpt with anything that looks like a credential removed. A
/// provider's error body is not under Lumina's control; some echo the request's key or token back ("Incorrect API key
/// provided: sk-…"), and the text reaches callers, logs, the <c>providers</c> tool and <c>/v1/providers</c>.
/// </summary>
internal static partial class ProviderErrorText
{
    /// <summary>The longest excerpt kept, in characters.</summary>
    internal const int MaxLength = 200;

    internal const string Redacted = "[redacted]";

    /// <summary>The text with the configured key, bearer tokens, JWTs, key-shaped tokens and secret-named values replaced, cut to <see cref="MaxLength"/>.</summary>
    /// <param name="text">The provider's words.</param>
    /// <param name="secret">The provider's configured API key, removed wherever it appears.</param>
    public static string Redact(string text, string? secret)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.IsNullOrEmpty(secret))
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        text = BearerPattern().Replace(text, "$1 " + Redacted);
        text = NamedSecretPattern().Replace(text, "$1" + Redacted);
        text = KeyShapedPattern().Replace(text, Redacted);
        text = LongTokenPattern().Replace(text, m => m.Value.Any(char.IsDigit) && m.Value.Any(char.IsLetter) ? Redacted : m.Value);
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length > MaxLength ? text[..MaxLength] + "…" : text;
    }

    // "Bearer abc…", "Basic abc…" (an Authorization header echoed back).
    [GeneratedRegex(@"\b(Bearer|Basic|Token)\s+[^\s""',;]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerPattern();

    // api_key=…, "x-api-key": "…", token: …, password=…, secret …: the value after a secret's name.
    [GeneratedRegex(@"((?:api[_\-\s]?key|x-api-key|access[_\-]?token|refresh[_\-]?token|token|secret|password|authorization|key)[""']?\s*[:=]\s*[""']?)[^\s""',;}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedSecretPattern();

    // The shapes providers give their keys (OpenAI sk-, Anthropic sk-ant-, Google AIza, GitHub, Slack, AWS) and JWTs.
    [GeneratedRegex(@"\b(?:sk-[A-Za-z0-9_\-]{6,}|AIza[0-9A-Za-z_\-]{10,}|gh[pousr]_[A-Za-z0-9]{10,}|xox[abposr]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{12,}|eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShapedPattern();

    // Any other long run of token characters with letters and digits (a key of a shape not listed above); no dots or
    // slashes, so host names, paths and model names stay readable.
    [GeneratedRegex(@"[A-Za-z0-9_\-+=]{32,}", RegexOptions.CultureInvariant)]
    private static partial Regex LongTokenPattern();
}
