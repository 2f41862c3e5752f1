namespace Lumina.Plugins.Files;

/// <summary>What a search found.</summary>
/// <param name="Matches">The hits, in path order, then line order.</param>
/// <param name="FilesScanned">How many files matched the glob and were looked at.</param>
/// <param name="SkippedFiles">Files a text search skipped: binary, larger than Lumina:Files:MaxSearchFileBytes, or unreadable.</param>
/// <param name="Truncated">Whether the search stopped at the cap of Lumina:Files:MaxSearchResults hits.</param>
public sealed record SearchResult(IReadOnlyList<SearchMatch> Matches, int FilesScanned, int SkippedFiles, bool Truncated);
