namespace Lumina.Core.Tests;

/// <summary>Temporary data folders, so tests never touch the user's own Lumina data.</summary>
internal static class TestData
{
    public static string NewDirectory() => Directory.CreateTempSubdirectory("lumina-core-data-").FullName;
}
