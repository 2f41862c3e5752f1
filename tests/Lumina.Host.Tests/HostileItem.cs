namespace Lumina.Host.Tests;

/// <summary>
/// One hostile input: the lines sent (one JSON-RPC message or piece of garbage each), what stdio must answer, and
/// whether it carries a usable request id (then HTTP must answer it with an error, not just accept it).
/// </summary>
internal sealed record HostileItem(int Number, string Category, string Name, IReadOnlyList<byte[]> Lines, IReadOnlyList<ExpectedReply> Replies, bool HasUsableId)
{
    /// <summary>Whether any line passes the size limit: stdio refuses it as too large, HTTP with 413.</summary>
    public bool Oversize => Lines.Any(l => l.Length > HostileCorpus.MaxMessageBytes);

    public override string ToString() => $"#{Number} {Category}/{Name}";
}
